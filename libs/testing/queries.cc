#include "testing/queries.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"

namespace himaya::testing {
namespace {

absl::StatusOr<std::vector<storage::Row>> Query(storage::Database& db, absl::string_view sql, storage::Params params) {
  std::vector<storage::Row> rows;
  absl::Status read = db.Read([&](storage::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::vector<storage::Row>> result = tx.Query(sql, params);
    if (!result.ok()) return result.status();
    rows = *std::move(result);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return rows;
}

}  // namespace

std::vector<storage::Row> Rows(storage::Database& db, absl::string_view sql, storage::Params params) {
  absl::StatusOr<std::vector<storage::Row>> rows = Query(db, sql, params);
  EXPECT_TRUE(rows.ok()) << rows.status() << " (" << sql << ")";
  return rows.ok() ? *std::move(rows) : std::vector<storage::Row>{};
}

int64_t Count(storage::Database& db, absl::string_view sql, storage::Params params) {
  absl::StatusOr<std::vector<storage::Row>> rows = Query(db, sql, params);
  EXPECT_TRUE(rows.ok()) << rows.status() << " (" << sql << ")";
  if (!rows.ok()) return -1;
  EXPECT_FALSE(rows->empty()) << "no row from " << sql;
  return rows->empty() ? -1 : rows->front().Int(0);
}

int64_t Execute(storage::Database& db, absl::string_view sql, storage::Params params) {
  int64_t changed = -1;
  absl::Status done = db.Write([&](storage::Transaction& tx) -> absl::Status {
    absl::StatusOr<int64_t> rows = tx.Execute(sql, params);
    if (rows.ok()) changed = *rows;
    return rows.status();
  });
  EXPECT_TRUE(done.ok()) << sql << ": " << done;
  return done.ok() ? changed : -1;
}

absl::Status WaitForLockWaiters(storage::Database& db, int64_t n) {
  return stack::WaitUntil(
      [&] {
        return Count(db,
                     "SELECT COUNT(*) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND wait_event_type = 'Lock'") == n;
      },
      absl::Seconds(20), absl::StrCat(n, " sessions waiting on a lock"));
}

}  // namespace himaya::testing
