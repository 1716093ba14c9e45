// Early-return helpers for absl::Status and absl::StatusOr (Abseil 20220623 ships none).
//
//   RETURN_IF_ERROR(DoThing());
//   ASSIGN_OR_RETURN(auto value, ComputeValue());
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HIMAYA_STATUS_CONCAT_INNER(a, b) a##b
#define HIMAYA_STATUS_CONCAT(a, b) HIMAYA_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                                       \
  do {                                                              \
    ::absl::Status himaya_status_ = ::himaya::core::ToStatus(expr); \
    if (!himaya_status_.ok()) return himaya_status_;                \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else moves the value
// into `lhs`, which may be a declaration (`auto x`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  HIMAYA_ASSIGN_OR_RETURN_IMPL(HIMAYA_STATUS_CONCAT(himaya_statusor_, __LINE__), lhs, rexpr)

#define HIMAYA_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

namespace himaya::core {
inline const absl::Status& ToStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& ToStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}
}  // namespace himaya::core
