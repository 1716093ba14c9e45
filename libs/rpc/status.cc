#include "rpc/status.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/random.h"

namespace himaya::rpc {
namespace {
constexpr char kRetryAfterPayload[] = "type.himaya.ma/retry-after-micros";
}

absl::Status WithRetryAfter(absl::Status status, absl::Duration wait) {
  if (!status.ok()) status.SetPayload(kRetryAfterPayload, absl::Cord(absl::StrCat(absl::ToInt64Microseconds(wait))));
  return status;
}

std::optional<absl::Duration> RetryAfterOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kRetryAfterPayload);  // absl::optional in Debian's Abseil
  int64_t micros = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &micros)) return std::nullopt;
  return absl::Microseconds(micros);
}

std::string RetryAfterSeconds(absl::Duration wait) {
  return absl::StrCat(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(wait)))));
}

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
