#include "rpc/status.h"

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

TEST(Status, CodeNames) {
  EXPECT_EQ(CodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(CodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace himaya::rpc
