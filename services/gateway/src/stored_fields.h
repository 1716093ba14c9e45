// How the gateway's stores keep the fields SQL has no type for: lists (roles, scopes) as
// comma-separated text, and times that may be absent (revoked, disabled) as microseconds or NULL;
// and how they write and read their records (a row inserted, rows read back by a FromRow).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::gateway {

inline std::string ListText(const std::vector<std::string>& items) { return absl::StrJoin(items, ","); }

inline std::vector<std::string> ListFrom(const std::string& text) {
  std::vector<std::string> items = absl::StrSplit(text, ',', absl::SkipEmpty());
  return items;
}

inline storage::Value MicrosOrNull(const std::optional<absl::Time>& t) {
  return t ? storage::Value(absl::ToUnixMicros(*t)) : storage::Value();
}

// The time in microseconds in `column`; nothing when NULL.
inline std::optional<absl::Time> TimeOrNone(const storage::Row& row, size_t column) {
  if (row.IsNull(column)) return std::nullopt;
  return absl::FromUnixMicros(row.Int(column));
}

// Inserts one row into `table`: `columns` (comma-separated) take `values` in that order.
// ALREADY_EXISTS when its key is taken.
inline absl::Status InsertRow(storage::Transaction& tx, absl::string_view table, absl::string_view columns,
                              std::initializer_list<storage::Value> values) {
  std::string placeholders;
  for (size_t i = 1; i <= values.size(); ++i) absl::StrAppend(&placeholders, i > 1 ? ", $" : "$", i);
  return tx.Execute(absl::StrCat("INSERT INTO ", table, " (", columns, ") VALUES (", placeholders, ")"), values)
      .status();
}

// The records of the rows `sql` selects, each read by `from_row`.
template <typename Record>
absl::StatusOr<std::vector<Record>> ReadRecords(storage::Transaction& tx, absl::string_view sql, storage::Params params,
                                                Record (*from_row)(const storage::Row&)) {
  absl::StatusOr<std::vector<storage::Row>> rows = tx.Query(sql, params);
  if (!rows.ok()) return rows.status();
  std::vector<Record> records;
  records.reserve(rows->size());
  for (const storage::Row& row : *rows) records.push_back(from_row(row));
  return records;
}

// The record of the first row `sql` selects; nothing when it selects none.
template <typename Record>
absl::StatusOr<std::optional<Record>> ReadRecord(storage::Transaction& tx, absl::string_view sql,
                                                 storage::Params params, Record (*from_row)(const storage::Row&)) {
  absl::StatusOr<std::vector<storage::Row>> rows = tx.Query(sql, params);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  return from_row(rows->front());
}

// Sets the time `column` of the row whose `key_column` is `key` to `at`, unless it is set already
// (a revocation, a disabling: the first time stays). NOT_FOUND `not_found` when there is no row.
inline absl::Status StampOnce(storage::Transaction& tx, absl::string_view table, absl::string_view column,
                              absl::string_view key_column, absl::string_view key, absl::Time at,
                              absl::string_view not_found) {
  absl::StatusOr<int64_t> changed = tx.Execute(
      absl::StrCat("UPDATE ", table, " SET ", column, " = COALESCE(", column, ", $1) WHERE ", key_column, " = $2"),
      {absl::ToUnixMicros(at), key});
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return absl::NotFoundError(not_found);
  return absl::OkStatus();
}

}  // namespace himaya::gateway
