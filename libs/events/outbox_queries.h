// The queries the outbox relay runs over the whole outbox to keep its gauges and its retention
// (internal to the events library; its tests read them too).
#pragma once

#include "absl/status/status.h"
#include "storage/database.h"

namespace himaya::events::internal {

inline constexpr char kPurgePublished[] = "DELETE FROM outbox WHERE published_at_us < $1";
inline constexpr char kCountPending[] =
    "SELECT COALESCE(SUM(events), 0), MIN(created_at_us) FROM outbox "
    "WHERE published_at_us IS NULL AND set_aside_at_us IS NULL";
inline constexpr char kCountSetAside[] = "SELECT COUNT(*) FROM outbox WHERE set_aside_at_us IS NOT NULL";

// Each of the queries above has a partial index that holds only the rows it looks for, so it
// costs what it finds. PostgreSQL chooses by its statistics, which trail a table that grew by a
// million rows in the last minute (autovacuum analyses it later): without them it guesses that
// most rows are set aside, and scans the whole outbox every second. Before these queries, on
// PostgreSQL, this makes a scan of the table the plan of last resort for the rest of the
// transaction. SQLite already plans them on the partial indexes.
absl::Status PreferPartialIndexes(storage::Transaction& tx);

}  // namespace himaya::events::internal
