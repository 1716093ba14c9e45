// Multi-row statements, so that bulk work (batch intake) costs one round trip per many rows
// rather than one per row, on PostgreSQL above all.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "storage/database.h"

namespace himaya::storage {

// Inserts `rows` (each as many values as `columns`) into `table`, many rows per statement.
// `suffix` is appended to every statement (e.g. "ON CONFLICT DO NOTHING"). Returns the number of
// rows inserted. The rows are taken by value and their values moved into the statements: pass
// them with std::move when they are not needed afterwards (no text is then copied).
//
// A hundred rows or more, with no suffix, go through the backend's bulk load where it has one
// (PostgreSQL's COPY), all or nothing, as a statement would.
absl::StatusOr<int64_t> InsertRows(Transaction& tx, absl::string_view table, const std::vector<std::string>& columns,
                                   std::vector<std::vector<Value>> rows, absl::string_view suffix = "");

// The same, always in multi-row statements: for a baseline that must not change with the
// bulk path (the benchmarks' raw insert).
absl::StatusOr<int64_t> InsertRowsInStatements(Transaction& tx, absl::string_view table,
                                               const std::vector<std::string>& columns,
                                               std::vector<std::vector<Value>> rows, absl::string_view suffix = "");

}  // namespace himaya::storage
