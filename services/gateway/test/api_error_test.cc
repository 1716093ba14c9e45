// The error envelope: its fields, statuses, the retry delay (a delay set on a Status with
// rpc::WithRetryAfter survives to the ApiError and is sent as Retry-After in whole seconds, at least
// one), services' errors, and the FHIR OperationOutcome.
#include "gateway/src/api_error.h"

#include "absl/algorithm/container.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

std::string RetryAfterHeader(const HttpResponse& response) {
  auto it = absl::c_find_if(response.headers, [](const auto& h) { return h.first == "Retry-After"; });
  return it == response.headers.end() ? "" : it->second;
}

TEST(RetryAfterTest, AWaitSetByRpcWithRetryAfterIsSentAsRetryAfterInWholeSeconds) {
  // The one WithRetryAfter (libs/rpc): what a service's lock-out and the gateway's own carry.
  absl::Status locked = rpc::WithRetryAfter(absl::ResourceExhaustedError("ACCOUNT_LOCKED"), absl::Milliseconds(2500));
  ApiError error = ErrorFromStatus(locked);
  EXPECT_EQ(error.code, absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(error.message, "ACCOUNT_LOCKED");
  EXPECT_EQ(error.retry_after, absl::Milliseconds(2500));
  HttpResponse response;
  WriteJsonError(error, "req-1", &response);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(RetryAfterHeader(response), "3");
}

TEST(RetryAfterTest, AStatusWithoutAWaitHasNone) {
  EXPECT_EQ(ErrorFromStatus(absl::ResourceExhaustedError("busy")).retry_after, absl::ZeroDuration());
  HttpResponse response;
  WriteJsonError(ErrorFromStatus(absl::UnauthenticatedError("no")), "req-2", &response);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(RetryAfterHeader(response), "");
}

TEST(RetryAfterTest, ANegativeWaitIsNone) {
  EXPECT_EQ(ErrorFromStatus(rpc::WithRetryAfter(absl::ResourceExhaustedError("x"), absl::Seconds(-4))).retry_after,
            absl::ZeroDuration());
}

TEST(ApiErrorTest, TheEnvelopeHoldsCodeMessageFieldAndRequestId) {
  ApiError error;
  error.code = absl::StatusCode::kInvalidArgument;
  error.message = "items[0].quantity: must be an integer";
  error.field = "items[0].quantity";
  HttpResponse response;
  WriteJsonError(error, "req-1", &response);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/json");
  nlohmann::json body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"error": {"code": "INVALID_ARGUMENT",
      "message": "items[0].quantity: must be an integer", "field": "items[0].quantity", "request_id": "req-1"}})"));
}

TEST(ApiErrorTest, NoFieldIsOmittedAndAnExplicitStatusWins) {
  ApiError error;
  error.code = absl::StatusCode::kInvalidArgument;
  error.message = "body: larger than 10 bytes";
  HttpResponse response;
  WriteJsonError(error, "r", &response, 413);
  EXPECT_EQ(response.status, 413);
  EXPECT_FALSE(nlohmann::json::parse(response.body)["error"].contains("field"));
}

TEST(ApiErrorTest, RetryAfterIsWholeSecondsAtLeastOne) {
  ApiError error;
  error.code = absl::StatusCode::kResourceExhausted;
  error.retry_after = absl::Milliseconds(1500);
  HttpResponse response;
  WriteJsonError(error, "r", &response);
  EXPECT_EQ(response.status, 429);
  EXPECT_THAT(response.headers, ::testing::Contains(std::pair<std::string, std::string>("Retry-After", "2")));
  error.retry_after = absl::Milliseconds(10);
  HttpResponse short_wait;
  WriteJsonError(error, "r", &short_wait);
  EXPECT_THAT(short_wait.headers, ::testing::Contains(std::pair<std::string, std::string>("Retry-After", "1")));
}

TEST(ApiErrorTest, CodesMapToHttpStatuses) {
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDataLoss), 500);
}

TEST(ApiErrorTest, AServiceErrorGivesItsFieldAndRetryDelay) {
  ApiError e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "password: too short"));
  EXPECT_EQ(e.field, "password");
  e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Something went wrong: badly"));
  EXPECT_EQ(e.field, "");
  // After a reason code, as the portal reads it.
  e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "RIB_KEY: rib: the key does not match"));
  EXPECT_EQ(e.field, "rib");
  e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "RIB_KEY: the key does not match"));
  EXPECT_EQ(e.field, "");
  e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "ID: x: y"));
  EXPECT_EQ(e.field, "") << "a reason code is 3 characters at least";
  e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "ACCOUNT_LOCKED"), "30");
  EXPECT_EQ(e.retry_after, absl::Seconds(30));
  e = ErrorFromGrpc(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "x"), "soon");
  EXPECT_EQ(e.retry_after, absl::ZeroDuration());
}

TEST(ApiErrorTest, FhirRoutesGetAnOperationOutcome) {
  ApiError error;
  error.code = absl::StatusCode::kNotFound;
  error.message = "no such route";
  HttpResponse response;
  WriteOperationOutcome(error, "r-9", &response);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/fhir+json");
  nlohmann::json outcome = nlohmann::json::parse(response.body);
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_EQ(outcome["issue"][0]["code"], "not-found");
  EXPECT_EQ(outcome["issue"][0]["details"]["coding"][0]["code"], "NOT_FOUND");
  EXPECT_EQ(outcome["issue"][0]["diagnostics"], "request_id=r-9");
}

}  // namespace
}  // namespace himaya::gateway
