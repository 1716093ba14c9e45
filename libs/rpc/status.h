// absl::Status <-> grpc::Status, mapped once at the RPC edge. Abseil's codes are gRPC's codes.
// An internal fault (INTERNAL, UNKNOWN, DATA_LOSS) reaches the caller opaque: its message may
// name tables, queries or values, so the caller gets "internal error, id=<uuid>" and the log the
// same id with the real message.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace himaya::rpc {

// The status a caller sees: the code and message as they are, except for an internal fault,
// whose message is replaced by an id that is logged (error level) beside the real one.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);
// The trailing metadata telling a refused caller how long to wait (whole seconds), as HTTP's
// Retry-After: lock-outs and rate limits (RESOURCE_EXHAUSTED).
inline constexpr char kRetryAfterMetadata[] = "retry-after";
// `status` carrying a wait; rpc::Handle sends it as `retry-after`. `status` unchanged when OK.
absl::Status WithRetryAfter(absl::Status status, absl::Duration wait);
// The wait a status carries; nullopt when none.
std::optional<absl::Duration> RetryAfterOf(const absl::Status& status);
// The wait as sent: whole seconds rounded up, at least 1.
std::string RetryAfterSeconds(absl::Duration wait);
// "OK", "INVALID_ARGUMENT", ... (for metric labels).
std::string CodeName(grpc::StatusCode code);

}  // namespace himaya::rpc
