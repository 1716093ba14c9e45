// absl::Status <-> grpc::Status, mapped once at the RPC edge. Abseil's codes are gRPC's codes.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace himaya::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);
// "OK", "INVALID_ARGUMENT", ... (for metric labels).
std::string CodeName(grpc::StatusCode code);

}  // namespace himaya::rpc
