#include "rpc/status.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/random.h"

namespace himaya::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown ||
      status.code() == absl::StatusCode::kDataLoss) {
    core::SystemRandom random;
    const std::string id = core::NewUuid(random);
    log::Error("internal error returned to a caller", {{"id", id}, {"error", status}});
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()), absl::StrCat("internal error, id=", id));
  }
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
