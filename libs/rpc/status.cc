#include "rpc/status.h"

namespace himaya::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

std::string CodeName(grpc::StatusCode code) {
  absl::StatusCode c = static_cast<absl::StatusCode>(code);
  if (c == absl::StatusCode::kOk) return "OK";
  return absl::StatusCodeToString(c);
}

}  // namespace himaya::rpc
