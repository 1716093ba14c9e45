// ClaimsService through the gRPC edge: a real server and stub in the process, on both backends.
#include "claims/src/claims_service.h"

#include "absl/strings/str_cat.h"
#include "claims/test/claims_database.h"
#include "core/thread_pool.h"
#include "gtest/gtest.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::claims {
namespace {

using Stub = v1::ClaimsService::Stub;

class ClaimsServiceTest : public ClaimsDatabaseTest {
 protected:
  void SetUp() override {
    ClaimsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    service_ = std::make_unique<ClaimsService>(pool_);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  core::ThreadPool pool_{2};
  std::unique_ptr<ClaimsService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(ClaimsServiceTest, MigrationsMadeTheTablesAndTheServiceIsServed) {
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_batches"), 0);
  v1::GetClaimRequest request;
  request.set_claim_id("C-1");
  auto answer = rpc::Call(*stub_, &Stub::GetClaim, request);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnimplemented) << answer.status();
}

INSTANTIATE_BACKENDS(ClaimsServiceTest);

}  // namespace
}  // namespace himaya::claims
