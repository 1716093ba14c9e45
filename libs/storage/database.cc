#include "storage/database.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/connection.h"

namespace himaya::storage {

absl::string_view DialectName(Dialect dialect) { return dialect == Dialect::kSqlite ? "sqlite" : "postgres"; }

absl::Status LockUntilTransactionEnds(Transaction& tx, int64_t key) {
  if (tx.dialect() != Dialect::kPostgres) return absl::OkStatus();  // BEGIN IMMEDIATE suffices
  return tx.Query("SELECT pg_advisory_xact_lock($1)", {key}).status();
}

int64_t Row::Int(size_t column) const {
  const auto& v = cells_.at(column).variant();
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    if (absl::SimpleAtoi(*s, &out)) return out;
    if (*s == "t") return 1;
  }
  return 0;
}

double Row::Real(size_t column) const {
  const auto& v = cells_.at(column).variant();
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    if (absl::SimpleAtod(*s, &out)) return out;
  }
  return 0;
}

std::string Row::Text(size_t column) const {
  const auto& v = cells_.at(column).variant();
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<Bytes>(&v)) return b->data;
  if (const auto* i = std::get_if<int64_t>(&v)) return absl::StrCat(*i);
  if (const auto* d = std::get_if<double>(&v)) return absl::StrCat(*d);
  return "";
}

std::optional<std::string> Row::OptionalText(size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

namespace internal {

std::unique_ptr<Connection> ConnectionPool::Acquire() {
  absl::MutexLock lock(&mu_);
  while (idle_.empty()) available_.Wait(&mu_);
  std::unique_ptr<Connection> connection = std::move(idle_.back());
  idle_.pop_back();
  return connection;
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(connection));
  available_.Signal();
}

absl::Status ConnectionPool::Run(bool write, const TransactionFn& fn) {
  constexpr int kAttempts = 5;
  std::unique_ptr<Connection> connection = Acquire();
  absl::Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    status = connection->Begin(write);
    if (status.ok()) {
      status = fn(*connection);
      if (status.ok()) status = connection->Commit();
      if (!status.ok()) connection->Rollback();
    }
    if (status.code() != absl::StatusCode::kAborted || attempt == kAttempts) break;
    absl::SleepFor(absl::Milliseconds(5 * attempt * attempt));
  }
  Release(std::move(connection));
  return status;
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options) {
  const std::string& url = options.url;
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    return internal::OpenPostgres(url, options);
  }
  if (absl::StartsWith(url, "sqlite:")) {
    std::string path = url.substr(7);
    if (absl::StartsWith(path, "//")) path = path.substr(2);
    if (path.empty()) return absl::InvalidArgumentError("database: sqlite URL names no file");
    return internal::OpenSqlite(path, options);
  }
  if (absl::EndsWith(url, ".db") || absl::EndsWith(url, ".sqlite")) {
    return internal::OpenSqlite(url, options);
  }
  return absl::InvalidArgumentError(absl::StrCat("database: cannot tell the backend of '", url,
                                                 "' (expected sqlite:PATH, PATH.db or postgresql://...)"));
}

}  // namespace himaya::storage
