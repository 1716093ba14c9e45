#include "gateway/src/api_error.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "nlohmann/json.hpp"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

std::string CodeName(absl::StatusCode code) { return rpc::CodeName(static_cast<grpc::StatusCode>(code)); }

// "field: what" -> "field" when the prefix looks like a field path (a-z, 0-9, _ and .), also
// after a service's reason code ("RIB_KEY: rib: what" -> "rib"), as the portal reads it.
std::string FieldOf(absl::string_view message) {
  size_t reason_end = 0;
  while (reason_end < message.size() &&
         ((message[reason_end] >= 'A' && message[reason_end] <= 'Z') ||
          (message[reason_end] >= '0' && message[reason_end] <= '9') || message[reason_end] == '_')) {
    ++reason_end;
  }
  if (reason_end >= 3 && message.substr(reason_end, 2) == ": ") message.remove_prefix(reason_end + 2);
  size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon == 0 || colon > 64) return "";
  for (char c : message.substr(0, colon)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '[' || c == ']';
    if (!ok) return "";
  }
  return std::string(message.substr(0, colon));
}

void AddRetryAfter(const ApiError& error, HttpResponse* response) {
  if (error.retry_after <= absl::ZeroDuration()) return;
  response->headers.emplace_back("Retry-After", rpc::RetryAfterSeconds(error.retry_after));
}

}  // namespace

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

ApiError ErrorFromGrpc(const grpc::Status& status, absl::string_view retry_after_seconds) {
  ApiError error;
  error.code = static_cast<absl::StatusCode>(status.error_code());
  error.message = status.error_message();
  if (error.code == absl::StatusCode::kInvalidArgument) error.field = FieldOf(error.message);
  int64_t seconds = 0;
  if (!retry_after_seconds.empty() && absl::SimpleAtoi(retry_after_seconds, &seconds) && seconds > 0) {
    error.retry_after = absl::Seconds(seconds);
  }
  return error;
}

ApiError ErrorFromStatus(const absl::Status& status) {
  ApiError error = ErrorFromGrpc(rpc::ToGrpcStatus(status));
  error.retry_after = std::max(rpc::RetryAfterOf(status).value_or(absl::ZeroDuration()), absl::ZeroDuration());
  return error;
}

void WriteJsonError(const ApiError& error, absl::string_view request_id, HttpResponse* response, int http_status) {
  nlohmann::json body = {{"code", CodeName(error.code)}, {"message", error.message}};
  if (!error.field.empty()) body["field"] = error.field;
  body["request_id"] = request_id;
  response->status = http_status != 0 ? http_status : HttpStatusOf(error.code);
  response->content_type = "application/json";
  response->body = nlohmann::json{{"error", body}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  AddRetryAfter(error, response);
}

void WriteOperationOutcome(const ApiError& error, absl::string_view request_id, HttpResponse* response,
                           int http_status) {
  // R4 issue-type codes by gRPC code.
  std::string type = "exception";
  switch (error.code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      type = "invalid";
      break;
    case absl::StatusCode::kFailedPrecondition:
      type = "business-rule";
      break;
    case absl::StatusCode::kUnauthenticated:
      type = "login";
      break;
    case absl::StatusCode::kPermissionDenied:
      type = "forbidden";
      break;
    case absl::StatusCode::kNotFound:
      type = "not-found";
      break;
    case absl::StatusCode::kAlreadyExists:
      type = "duplicate";
      break;
    case absl::StatusCode::kResourceExhausted:
      type = "throttled";
      break;
    case absl::StatusCode::kDeadlineExceeded:
      type = "timeout";
      break;
    case absl::StatusCode::kUnimplemented:
      type = "not-supported";
      break;
    case absl::StatusCode::kUnavailable:
      type = "transient";
      break;
    default:
      break;
  }
  nlohmann::json issue = {{"severity", "error"},
                          {"code", type},
                          {"details",
                           {{"coding", nlohmann::json::array({{{"system", "https://himaya.ma/fhir/CodeSystem/error"},
                                                               {"code", CodeName(error.code)}}})},
                            {"text", error.message}}},
                          {"diagnostics", "request_id=" + std::string(request_id)}};
  if (!error.field.empty()) issue["expression"] = nlohmann::json::array({error.field});
  nlohmann::json outcome = {{"resourceType", "OperationOutcome"}, {"issue", nlohmann::json::array({issue})}};
  response->status = http_status != 0 ? http_status : HttpStatusOf(error.code);
  response->content_type = "application/fhir+json";
  response->body = outcome.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  AddRetryAfter(error, response);
}

}  // namespace himaya::gateway
