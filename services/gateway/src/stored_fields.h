// How the gateway's stores keep the fields SQL has no type for: lists (roles, scopes) as
// comma-separated text, and times that may be absent (revoked, disabled) as microseconds or NULL.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

}  // namespace himaya::gateway
