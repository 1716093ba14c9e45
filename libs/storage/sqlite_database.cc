// SQLite backend: one writer connection (writes are serialised, as SQLite requires) and a pool
// of readers that see consistent snapshots thanks to WAL.
#include <sqlite3.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "storage/connection.h"

namespace himaya::storage::internal {
namespace {

// Rewrites PostgreSQL-style $N parameters as SQLite's ?N, outside quoted text.
std::string ToSqliteParameters(absl::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      c = '?';
    }
    out.push_back(c);
  }
  return out;
}

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  int extended = sqlite3_extended_errcode(db);
  std::string message = absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db));
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return absl::AlreadyExistsError(message);
  }
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  absl::Status Begin(bool write) override { return ExecuteScript(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  absl::Status Commit() override { return ExecuteScript("COMMIT"); }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  absl::StatusOr<int64_t> Execute(absl::string_view sql, Params params) override {
    auto stmt = Prepare(sql, params);
    if (!stmt.ok()) return stmt.status();
    int rc;
    while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    }
    Done(*stmt);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "execute");
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql, Params params) override {
    auto stmt = Prepare(sql, params);
    if (!stmt.ok()) return stmt.status();
    std::vector<Row> rows;
    int rc;
    const int columns = sqlite3_column_count(*stmt);
    while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
      std::vector<Value> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(*stmt, c)) {
          case SQLITE_INTEGER:
            cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(*stmt, c)));
            break;
          case SQLITE_FLOAT:
            cells.emplace_back(sqlite3_column_double(*stmt, c));
            break;
          case SQLITE_TEXT:
            cells.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(*stmt, c)),
                                           sqlite3_column_bytes(*stmt, c)));
            break;
          case SQLITE_BLOB: {
            const void* blob = sqlite3_column_blob(*stmt, c);
            int size = sqlite3_column_bytes(*stmt, c);
            cells.emplace_back(Bytes{std::string(static_cast<const char*>(blob), size)});
            break;
          }
          default:
            cells.emplace_back();
        }
      }
      rows.emplace_back(std::move(cells));
    }
    Done(*stmt);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "query");
    return rows;
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "script");
    return absl::OkStatus();
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql, Params params) {
    auto it = statements_.find(sql);  // no copy of the text to look it up
    sqlite3_stmt* stmt;
    if (it == statements_.end()) {
      std::string translated = ToSqliteParameters(sql);
      int rc = sqlite3_prepare_v3(db_, translated.c_str(), static_cast<int>(translated.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
      statements_.emplace(std::string(sql), stmt);
    } else {
      stmt = it->second;
    }
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return absl::InvalidArgumentError(absl::StrCat("sqlite: statement takes ", sqlite3_bind_parameter_count(stmt),
                                                     " parameters, ", params.size(), " given"));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const auto& v = params[i].variant();
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, index, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        rc = sqlite3_bind_blob64(stmt, index, b->data.data(), b->data.size(), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    return stmt;
  }

  // Resets a statement after use and lets go of its parameters: they are bound without a copy
  // (SQLITE_STATIC), valid only while the call that bound them runs.
  static void Done(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }

  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

absl::StatusOr<std::unique_ptr<Connection>> Connect(const std::string& path, const DatabaseOptions& options,
                                                    int cache_mb) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return absl::UnavailableError(absl::StrCat("sqlite: cannot open ", path, ": ", message));
  }
  auto connection = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, 10000);
  std::string pragmas = absl::StrCat(
      "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
      "PRAGMA cache_size = -",
      std::max(1, cache_mb) * 1024, "; PRAGMA synchronous = ", options.sqlite_synchronous_full ? "FULL" : "NORMAL",
      ";");
  if (absl::Status s = connection->ExecuteScript(pragmas); !s.ok()) return s;
  return connection;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<ConnectionPool> writer, std::unique_ptr<ConnectionPool> readers)
      : writer_(std::move(writer)), readers_(std::move(readers)) {}
  absl::Status Write(const TransactionFn& fn) override { return writer_->Run(true, fn); }
  absl::Status Read(const TransactionFn& fn) override { return readers_->Run(false, fn); }
  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  std::unique_ptr<ConnectionPool> writer_;
  std::unique_ptr<ConnectionPool> readers_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options) {
  std::vector<std::unique_ptr<Connection>> writer;
  auto w = Connect(path, options, options.sqlite_cache_mb);
  if (!w.ok()) return w.status();
  writer.push_back(std::move(*w));
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < std::max(1, options.pool_size); ++i) {
    auto r = Connect(path, options, options.sqlite_cache_mb / 8);
    if (!r.ok()) return r.status();
    readers.push_back(std::move(*r));
  }
  return std::unique_ptr<Database>(new SqliteDatabase(std::make_unique<ConnectionPool>(std::move(writer)),
                                                      std::make_unique<ConnectionPool>(std::move(readers))));
}

}  // namespace himaya::storage::internal
