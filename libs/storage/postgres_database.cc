// PostgreSQL backend (libpq): a pool of connections, statements prepared once per connection,
// parameters sent as text (bytes in binary), results read as text and typed by column OID.
#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <unordered_map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status_macros.h"
#include "storage/connection.h"

namespace himaya::storage::internal {
namespace {

// Type OIDs from PostgreSQL's pg_type catalogue.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// The error's primary message and SQLSTATE only: DETAIL and the failing row ("Key (cin)=(...)
// already exists", "Failing row contains (...)") hold the values, personal data among them. A data
// exception (class 22) quotes the value in its primary message too: its SQLSTATE is all that is
// kept.
absl::Status PostgresError(PGconn* conn, const PGresult* result, absl::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string sqlstate = state ? state : "";
  std::string detail;
  if (sqlstate.rfind("22", 0) == 0) {
    detail = "invalid data for its type";
  } else if (primary != nullptr) {
    detail = primary;
  } else {
    // No server answer (a broken connection): libpq's own message names no row.
    detail = PQerrorMessage(conn);
  }
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::string message = absl::StrCat("postgres: ", what, ": ", detail);
  if (!sqlstate.empty()) absl::StrAppend(&message, " (SQLSTATE ", sqlstate, ")");
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::AbortedError(message);
  if (sqlstate.rfind("23", 0) == 0) return absl::FailedPreconditionError(message);
  if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57", 0) == 0 || PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

void IgnoreNotice(void*, const char*) {}

// The shortest text that reads back as the same double.
std::string DoubleText(double d) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof(text), d).ptr);
}

// `value` as a field of COPY's text format: \N for NULL; a backslash, tab, newline or carriage
// return escaped; bytes in bytea's hex form (whose own backslash is escaped too). Text ends at a
// NUL character, as a text parameter does in libpq (PostgreSQL's text cannot hold one), so that
// a bulk stores what the same rows in statements would.
void AppendCopyField(const Value& value, std::string* out) {
  const auto& v = value.variant();
  if (const auto* n = std::get_if<int64_t>(&v)) {
    absl::StrAppend(out, *n);
  } else if (const auto* d = std::get_if<double>(&v)) {
    out->append(DoubleText(*d));
  } else if (const auto* text = std::get_if<std::string>(&v)) {
    for (char c : *text) {
      if (c == '\0') break;
      const char* escaped = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
      if (escaped != nullptr) {
        out->append(escaped);
      } else {
        out->push_back(c);
      }
    }
  } else if (const auto* b = std::get_if<Bytes>(&v)) {
    static constexpr char kHex[] = "0123456789abcdef";
    out->append("\\\\x");
    for (unsigned char c : b->data) {
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xf]);
    }
  } else {
    out->append("\\N");
  }
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) { PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr); }
  ~PostgresConnection() override { PQfinish(conn_); }

  absl::Status Begin(bool write) override {
    if (PQstatus(conn_) != CONNECTION_OK) {
      // The server went away since the last use: reconnect once before giving up.
      PQreset(conn_);
      statements_.clear();
      if (PQstatus(conn_) != CONNECTION_OK) return PostgresError(conn_, nullptr, "reconnect");
    }
    return ExecuteScript(write ? "BEGIN" : "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  absl::Status Commit() override { return ExecuteScript("COMMIT"); }
  void Rollback() override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) Result(PQexec(conn_, "ROLLBACK"));
  }

  absl::StatusOr<int64_t> Execute(absl::string_view sql, Params params) override {
    auto result = Run(sql, params);
    if (!result.ok()) return result.status();
    int64_t changed = 0;
    const char* tuples = PQcmdTuples(result->get());
    if (tuples != nullptr && *tuples != '\0' && !absl::SimpleAtoi(tuples, &changed)) changed = 0;
    return changed;
  }

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql, Params params) override {
    auto result = Run(sql, params);
    if (!result.ok()) return result.status();
    PGresult* r = result->get();
    const int rows = PQntuples(r);
    const int columns = PQnfields(r);
    std::vector<Row> out;
    out.reserve(rows);
    for (int i = 0; i < rows; ++i) {
      std::vector<Value> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(r, i, c)) {
          cells.emplace_back();
          continue;
        }
        absl::string_view text(PQgetvalue(r, i, c), PQgetlength(r, i, c));
        switch (PQftype(r, c)) {
          case kInt8Oid:
          case kInt2Oid:
          case kInt4Oid: {
            int64_t n = 0;
            (void)absl::SimpleAtoi(text, &n);
            cells.emplace_back(n);
            break;
          }
          case kBoolOid:
            cells.emplace_back(int64_t{text == "t" ? 1 : 0});
            break;
          case kFloat4Oid:
          case kFloat8Oid: {
            double d = 0;
            (void)absl::SimpleAtod(text, &d);
            cells.emplace_back(d);
            break;
          }
          case kByteaOid: {
            size_t length = 0;
            unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r, i, c)), &length);
            cells.emplace_back(Bytes{std::string(reinterpret_cast<char*>(raw), length)});
            PQfreemem(raw);
            break;
          }
          default:
            cells.emplace_back(std::string(text));
        }
      }
      out.emplace_back(std::move(cells));
    }
    return out;
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    std::string text(sql);
    Result result(PQexec(conn_, text.c_str()));
    ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
      return PostgresError(conn_, result.get(), "script");
    }
    return absl::OkStatus();
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  bool CanCopy() const override { return true; }

  absl::StatusOr<int64_t> Copy(absl::string_view table, const std::vector<std::string>& columns,
                               const std::vector<std::vector<Value>>& rows) override {
    const std::string sql = absl::StrCat("COPY ", table, " (", absl::StrJoin(columns, ", "), ") FROM STDIN");
    Result started(PQexec(conn_, sql.c_str()));
    if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return PostgresError(conn_, started.get(), "copy");
    }
    constexpr size_t kSendAt = 1 << 20;
    std::string data;
    bool sent = true;
    for (const std::vector<Value>& row : rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) data.push_back('\t');
        AppendCopyField(row[c], &data);
      }
      data.push_back('\n');
      if (data.size() >= kSendAt) {
        sent = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1;
        data.clear();
        if (!sent) break;
      }
    }
    if (sent && !data.empty()) sent = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1;
    // Ending with an error message makes the server abandon the copy (and the transaction).
    if (PQputCopyEnd(conn_, sent ? nullptr : "the rows could not be sent") != 1) {
      // Still copying, as far as libpq knows: only a new connection gets out of it.
      PQreset(conn_);
      statements_.clear();
      return absl::UnavailableError("postgres: copy: the end of the rows could not be sent");
    }
    Result finished(PQgetResult(conn_));
    while (PGresult* more = PQgetResult(conn_)) {
      const bool copying = PQresultStatus(more) == PGRES_COPY_IN;
      PQclear(more);
      if (copying) break;  // cannot happen once the end was sent; never loop on it
    }
    if (!finished || PQresultStatus(finished.get()) != PGRES_COMMAND_OK) {
      return PostgresError(conn_, finished.get(), "copy");
    }
    int64_t copied = 0;
    if (!absl::SimpleAtoi(PQcmdTuples(finished.get()), &copied)) copied = static_cast<int64_t>(rows.size());
    return copied;
  }

 private:
  absl::StatusOr<Result> Run(absl::string_view sql, Params params) {
    std::string key(sql);
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      std::string name = absl::StrCat("himaya_", statements_.size() + 1);
      Result prepared(PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr));
      if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        return PostgresError(conn_, prepared.get(), "prepare");
      }
      it = statements_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    std::vector<int> formats(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const auto& v = params[i].variant();
      if (const auto* n = std::get_if<int64_t>(&v)) {
        texts[i] = absl::StrCat(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        texts[i] = DoubleText(*d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();
        lengths[i] = static_cast<int>(s->size());
        continue;
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        values[i] = b->data.data();
        lengths[i] = static_cast<int>(b->data.size());
        formats[i] = 1;
        continue;
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
      lengths[i] = static_cast<int>(texts[i].size());
    }
    Result result(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(),
                                 lengths.data(), formats.data(), 0));
    ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      return PostgresError(conn_, result.get(), "execute");
    }
    return result;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> statements_;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}
  absl::Status Write(const TransactionFn& fn) override { return pool_->Run(true, fn); }
  absl::Status Read(const TransactionFn& fn) override { return pool_->Run(false, fn); }
  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& uri, const DatabaseOptions& options) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < std::max(1, options.pool_size); ++i) {
    PGconn* conn = PQconnectdb(uri.c_str());
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      // The URI may hold a password: the error names the server's answer, not the URI.
      std::string message = conn ? PQerrorMessage(conn) : "out of memory";
      PQfinish(conn);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return absl::UnavailableError(absl::StrCat("postgres: cannot connect: ", message));
    }
    connections.push_back(std::make_unique<PostgresConnection>(conn));
  }
  return std::unique_ptr<Database>(new PostgresDatabase(std::make_unique<ConnectionPool>(std::move(connections))));
}

}  // namespace himaya::storage::internal
