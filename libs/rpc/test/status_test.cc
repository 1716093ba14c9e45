#include "rpc/status.h"

#include <sstream>

#include "core/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::rpc {
namespace {

TEST(Status, CodesAndMessagesSurviveTheRoundTrip) {
  for (absl::Status s :
       {absl::InvalidArgumentError("cin: bad"), absl::NotFoundError("x"), absl::AlreadyExistsError("y"),
        absl::FailedPreconditionError("z"), absl::UnavailableError("w"), absl::OkStatus()}) {
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code()));
    EXPECT_EQ(FromGrpcStatus(g), s);
  }
}

TEST(Status, AWaitTravelsWithTheStatusAndIsSentInWholeSecondsRoundedUp) {
  absl::Status locked =
      WithRetryAfter(absl::ResourceExhaustedError("ACCOUNT_LOCKED: later"), absl::Milliseconds(90500));
  ASSERT_TRUE(RetryAfterOf(locked).has_value());
  EXPECT_EQ(*RetryAfterOf(locked), absl::Milliseconds(90500));
  EXPECT_EQ(RetryAfterSeconds(*RetryAfterOf(locked)), "91");
  EXPECT_EQ(RetryAfterSeconds(absl::Milliseconds(10)), "1") << "never 0: the caller would retry at once";
  EXPECT_EQ(ToGrpcStatus(locked).error_message(), "ACCOUNT_LOCKED: later") << "the message is unchanged";
  EXPECT_FALSE(RetryAfterOf(absl::ResourceExhaustedError("busy")).has_value());
  EXPECT_TRUE(WithRetryAfter(absl::OkStatus(), absl::Seconds(3)).ok());
  EXPECT_FALSE(RetryAfterOf(WithRetryAfter(absl::OkStatus(), absl::Seconds(3))).has_value());
}

TEST(Status, InternalFaultsReachTheCallerOpaqueWithAnIdThatIsLogged) {
  std::ostringstream logged;
  log::SetSinkForTesting(&logged);
  for (absl::Status s : {absl::InternalError("postgres: execute: relation \"persons\" does not exist"),
                         absl::UnknownError("libpq: lost synchronization, query SELECT cin FROM persons"),
                         absl::DataLossError("var/run/registration.json names no address")}) {
    logged.str("");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code()));
    EXPECT_THAT(g.error_message(), ::testing::MatchesRegex("internal error, id=[0-9a-f-]{36}")) << s;
    const std::string id = g.error_message().substr(g.error_message().find('=') + 1);
    EXPECT_THAT(logged.str(), ::testing::HasSubstr(id)) << "the id is logged";
    EXPECT_THAT(logged.str(), ::testing::HasSubstr(std::string(s.message().substr(0, 20)))) << "beside the message";
  }
  log::SetSinkForTesting(nullptr);
  EXPECT_NE(ToGrpcStatus(absl::InternalError("x")).error_message(),
            ToGrpcStatus(absl::InternalError("x")).error_message())
      << "an id per error";
}

TEST(Status, CodeNames) {
  EXPECT_EQ(CodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(CodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace himaya::rpc
