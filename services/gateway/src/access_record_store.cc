#include "gateway/src/access_record_store.h"

#include <cstdint>
#include <limits>

#include "core/status_macros.h"

namespace himaya::gateway {

absl::Status AccessRecordStore::Insert(storage::Transaction& tx, const AccessRecord& r) {
  return tx
      .Execute(
          "INSERT INTO access_records (record_id, at_us, agent_id, action, subject, reason, request_id) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {r.record_id, absl::ToUnixMicros(r.at), r.agent_id, r.action, r.subject, r.reason, r.request_id})
      .status();
}

absl::StatusOr<std::vector<AccessRecord>> AccessRecordStore::List(storage::Transaction& tx, const AccessFilter& filter,
                                                                  const std::optional<AccessCursor>& after, int limit) {
  // One statement whatever the filters: an empty filter matches every row.
  const int64_t since_us = filter.since ? absl::ToUnixMicros(*filter.since) : std::numeric_limits<int64_t>::min();
  const int64_t before_us = after ? absl::ToUnixMicros(after->at) : std::numeric_limits<int64_t>::max();
  const std::string before_id = after ? after->record_id : "";
  ASSIGN_OR_RETURN(
      std::vector<storage::Row> rows,
      tx.Query("SELECT record_id, at_us, agent_id, action, subject, reason, request_id FROM access_records "
               "WHERE ($1 = '' OR agent_id = $1) AND ($2 = '' OR subject = $2) AND at_us >= $3 "
               "AND (at_us < $4 OR (at_us = $4 AND record_id < $5)) "
               "ORDER BY at_us DESC, record_id DESC LIMIT $6",
               {filter.agent_id, filter.subject, since_us, before_us, before_id, limit}));
  std::vector<AccessRecord> records;
  records.reserve(rows.size());
  for (const storage::Row& r : rows) {
    records.push_back(
        {r.Text(0), absl::FromUnixMicros(r.Int(1)), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6)});
  }
  return records;
}

}  // namespace himaya::gateway
