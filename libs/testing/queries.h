// Reading a test's database in one line, to assert on what the code under test wrote there.
// A failed query is a test failure (it names the query's error) rather than a crash.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "storage/database.h"

namespace himaya::testing {

// The integer in the first column of the first row `sql` returns (a COUNT(*), a sum); -1, with
// a test failure, when the query fails or returns no row.
int64_t Count(storage::Database& db, absl::string_view sql, storage::Params params = {});

// Runs a statement that changes the test's data (a state forced, a row removed) in its own write
// transaction; a failure is a test failure. Returns the rows changed (-1 on failure).
int64_t Execute(storage::Database& db, absl::string_view sql, storage::Params params = {});

// Every row `sql` returns; none, with a test failure, when the query fails.
std::vector<storage::Row> Rows(storage::Database& db, absl::string_view sql, storage::Params params = {});

// PostgreSQL: waits (up to 20 s) until `n` sessions of `db`'s database wait on a lock, as
// pg_stat_activity shows them; DEADLINE_EXCEEDED otherwise.
absl::Status WaitForLockWaiters(storage::Database& db, int64_t n);

// Runs `fn` (a store call returning a StatusOr) in a write transaction of `db`, expects it to
// succeed and returns its value (a default one, with a test failure, when it fails).
template <typename Fn>
auto InWrite(storage::Database& db, Fn fn) {
  typename decltype(fn(std::declval<storage::Transaction&>()))::value_type out{};
  absl::Status status = db.Write([&](storage::Transaction& tx) -> absl::Status {
    auto result = fn(tx);
    if (result.ok()) out = *result;
    return result.status();
  });
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

}  // namespace himaya::testing
