// Agents' reads whose person is known only from the answer (the claim-review routes): the reason
// is required before the call, each distinct registration number answered is written to the
// access audit before anything is sent, and nothing is sent when one cannot be written. Through
// Gateway::Handle, against a fake claims service over real gRPC.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/src/gateway.h"
#include "gateway/test/test_callers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::gateway {
namespace {

namespace cv1 = claims::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Two persons' claims in review (the first person's twice); a decided claim of a third.
class ReviewingClaims final : public cv1::ClaimsService::CallbackService {
 public:
  grpc::ServerUnaryReactor* ListClaimReviews(grpc::CallbackServerContext* context, const cv1::ListClaimReviewsRequest*,
                                             cv1::ListClaimReviewsResponse* response) override {
    for (const char* number : {"100000017", "100000025", "100000017"}) {
      cv1::Claim* claim = response->add_claims();
      claim->set_claim_id(absl::StrCat("C-", response->claims_size()));
      claim->set_registration_number(number);
    }
    return Finish(context);
  }
  grpc::ServerUnaryReactor* DecideClaimReview(grpc::CallbackServerContext* context,
                                              const cv1::DecideClaimReviewRequest* request,
                                              cv1::Claim* claim) override {
    claim->set_claim_id(request->claim_id());
    claim->set_registration_number("100000033");
    return Finish(context);
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context) {
    {
      absl::MutexLock lock(&mu_);
      ++calls_;
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class AuditedRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = rpc::Server::Start({.services = {&claims_}});
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    GatewayParts parts = TestParts(backend_->port(), &authenticator_, &rate_limits_, &audit_);
    auto gateway = Gateway::Create(std::move(parts));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
  }
  void TearDown() override {
    if (backend_) backend_->Shutdown(absl::Seconds(1));
  }
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& reason,
                    const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.peer = "127.0.0.1";
    request.headers["x-test-caller"] = "agent:amal:supervisor";
    if (!reason.empty()) request.headers[kReasonHeader] = reason;
    if (!body.empty()) {
      request.headers["content-type"] = "application/json";
      request.body = body;
    }
    HttpResponse response;
    gateway_->Handle(request, &response);
    return response;
  }

  ReviewingClaims claims_;
  std::unique_ptr<rpc::Server> backend_;
  HeaderAuthenticator authenticator_;
  TestRateLimits rate_limits_;
  RecordingAudit audit_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(AuditedRoutesTest, EachPersonOfAPageOfClaimReviewsIsRecordedOnce) {
  HttpResponse page = Send("GET", "/v1/claim-reviews", "weekly review");
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(nlohmann::json::parse(page.body)["claims"].size(), 3u);
  EXPECT_THAT(audit_.records(), ElementsAre("amal GET /v1/claim-reviews 100000017 weekly review",
                                            "amal GET /v1/claim-reviews 100000025 weekly review"));
}

TEST_F(AuditedRoutesTest, AClaimDecidedIsRecordedUnderItsPerson) {
  HttpResponse decided = Send("POST", "/v1/claim-reviews/C-9:decide", "file checked", R"({"decision": "CONFIRM"})");
  EXPECT_EQ(decided.status, 200) << decided.body;
  EXPECT_THAT(audit_.records(), ElementsAre("amal POST /v1/claim-reviews/{claim_id}:decide 100000033 file checked"));
}

TEST_F(AuditedRoutesTest, WithoutAReasonNothingIsCalled) {
  HttpResponse refused = Send("GET", "/v1/claim-reviews", "");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"]["field"], "X-Himaya-Reason");
  EXPECT_EQ(claims_.calls(), 0);
  EXPECT_THAT(audit_.records(), IsEmpty());
}

TEST_F(AuditedRoutesTest, NothingIsAnsweredWhenTheAuditCannotRecord) {
  audit_.Refuse();
  HttpResponse refused = Send("GET", "/v1/claim-reviews", "weekly review");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.body.find("100000017"), std::string::npos) << refused.body;
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"]["code"], "UNAVAILABLE");
}

}  // namespace
}  // namespace himaya::gateway
