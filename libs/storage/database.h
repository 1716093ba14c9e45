// The storage interface every service uses for its own database, with two backends: SQLite
// (WAL; the embedded default, one file per service) and PostgreSQL (production, replicas).
//
// SQL is written once for both where the dialects agree, with PostgreSQL-style positional
// parameters ($1, $2, ...). Statements are prepared once per connection and reused. Work
// happens in transactions:
//
//   RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> absl::Status {
//     ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE t SET v = $1 WHERE k = $2", {v, k}));
//     ...
//     return absl::OkStatus();  // commits; an error rolls back
//   }));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace himaya::storage {

enum class Dialect { kSqlite, kPostgres };

// Returns "sqlite" or "postgres".
absl::string_view DialectName(Dialect dialect);

// Binary data (BLOB in SQLite, BYTEA in PostgreSQL); plain std::string values are text.
struct Bytes {
  std::string data;
};

// A parameter or a column's value.
class Value {
 public:
  Value() = default;                                  // NULL
  Value(std::nullptr_t) {}                            // NULL
  Value(int v) : v_(int64_t{v}) {}                    // NOLINT: implicit by design
  Value(int64_t v) : v_(v) {}                         // NOLINT
  Value(bool v) : v_(int64_t{v ? 1 : 0}) {}           // NOLINT
  Value(double v) : v_(v) {}                          // NOLINT
  Value(const char* v) : v_(std::string(v)) {}        // NOLINT
  Value(absl::string_view v) : v_(std::string(v)) {}  // NOLINT
  Value(std::string v) : v_(std::move(v)) {}          // NOLINT
  Value(Bytes v) : v_(std::move(v)) {}                // NOLINT
  template <typename T>
  Value(const std::optional<T>& v) {  // NOLINT: empty optional is NULL
    if (v) *this = Value(*v);
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  const std::variant<std::monostate, int64_t, double, std::string, Bytes>& variant() const { return v_; }

 private:
  std::variant<std::monostate, int64_t, double, std::string, Bytes> v_;
};

// One row of a result, its columns by position.
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t column) const { return cells_.at(column).is_null(); }
  // Integer value (text is parsed); 0 for NULL.
  int64_t Int(size_t column) const;
  double Real(size_t column) const;
  // Text or bytes as a string; empty for NULL.
  std::string Text(size_t column) const;
  std::optional<std::string> OptionalText(size_t column) const;

 private:
  std::vector<Value> cells_;
};

using Params = absl::Span<const Value>;

// A transaction in progress. Not thread-safe: one transaction, one thread.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Runs a statement; returns the number of rows it changed. ALREADY_EXISTS on a unique or
  // primary-key violation; ABORTED on a serialization conflict (retried by Database::Write).
  virtual absl::StatusOr<int64_t> Execute(absl::string_view sql, Params params = {}) = 0;
  // Runs a query and returns all its rows.
  virtual absl::StatusOr<std::vector<Row>> Query(absl::string_view sql, Params params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual absl::Status ExecuteScript(absl::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
};

using TransactionFn = std::function<absl::Status(Transaction&)>;

class Database {
 public:
  virtual ~Database() = default;
  // Runs `fn` in a read-write transaction and commits when it returns OK; rolls back and
  // returns its error otherwise. Retries `fn` a few times on ABORTED (serialization conflict or
  // deadlock), so `fn` must be safe to run again.
  virtual absl::Status Write(const TransactionFn& fn) = 0;
  // Runs `fn` in a read-only transaction (a consistent snapshot).
  virtual absl::Status Read(const TransactionFn& fn) = 0;
  virtual Dialect dialect() const = 0;
};

struct DatabaseOptions {
  // "sqlite:PATH" (or a path ending in .db), or "postgresql://..." / "postgres://..." (a libpq
  // connection URI).
  std::string url;
  // Connections kept open; SQLite uses one writer plus this many readers.
  int pool_size = 4;
  // SQLite: FULL syncs the WAL at every commit (durable against power loss), NORMAL only at
  // checkpoints (durable against process crashes).
  bool sqlite_synchronous_full = true;
  // SQLite page cache of the writer connection (readers get an eighth). SQLite's default (2 MB)
  // is far too small for bulk work on indexes of a million rows.
  int sqlite_cache_mb = 64;
};

// Holds `key` until `tx` ends (pg_advisory_xact_lock on PostgreSQL), so that the write
// transactions taking the same key run one after another: each then reads what the one before
// committed, where two checks made at once could each pass on a state the other is changing.
// SQLite's write transactions run one at a time already. Keys are fixed numbers, one per rule.
absl::Status LockUntilTransactionEnds(Transaction& tx, int64_t key);

// Opens (creating an SQLite file if needed) and checks the connection.
// INVALID_ARGUMENT for a malformed URL; UNAVAILABLE when the server cannot be reached.
absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);

}  // namespace himaya::storage
