// The error envelope's retry delay: a delay set on a Status (WithRetryAfter) survives to the
// ApiError and is sent as Retry-After in whole seconds, at least one; none when not set.
#include "gateway/src/api_error.h"

#include "absl/algorithm/container.h"
#include "gtest/gtest.h"

namespace himaya::gateway {
namespace {

std::string RetryAfterHeader(const HttpResponse& response) {
  auto it = absl::c_find_if(response.headers, [](const auto& h) { return h.first == "Retry-After"; });
  return it == response.headers.end() ? "" : it->second;
}

TEST(RetryAfterTest, ADelaySetOnAStatusIsSentAsRetryAfterInWholeSeconds) {
  absl::Status locked = WithRetryAfter(absl::ResourceExhaustedError("ACCOUNT_LOCKED"), absl::Milliseconds(2500));
  EXPECT_EQ(RetryAfterOf(locked), absl::Milliseconds(2500));
  ApiError error = ErrorFromStatus(locked);
  EXPECT_EQ(error.code, absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(error.message, "ACCOUNT_LOCKED");
  EXPECT_EQ(error.retry_after, absl::Milliseconds(2500));
  HttpResponse response;
  WriteJsonError(error, "req-1", &response);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(RetryAfterHeader(response), "3");
}

TEST(RetryAfterTest, AStatusWithoutADelayHasNone) {
  EXPECT_EQ(RetryAfterOf(absl::ResourceExhaustedError("busy")), absl::ZeroDuration());
  EXPECT_EQ(RetryAfterOf(absl::OkStatus()), absl::ZeroDuration());
  HttpResponse response;
  WriteJsonError(ErrorFromStatus(absl::UnauthenticatedError("no")), "req-2", &response);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(RetryAfterHeader(response), "");
}

TEST(RetryAfterTest, ANegativeDelayIsNone) {
  EXPECT_EQ(RetryAfterOf(WithRetryAfter(absl::ResourceExhaustedError("x"), absl::Seconds(-4))), absl::ZeroDuration());
}

}  // namespace
}  // namespace himaya::gateway
