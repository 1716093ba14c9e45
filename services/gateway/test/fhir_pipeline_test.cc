// The FHIR routes inside the gateway's pipeline (Gateway::Handle): the pipeline's own refusals
// on /fhir/r4 (no key, a key without the fhir scope, rate limited, an unknown resource) answered
// as OperationOutcomes, and the routes reached with the scope, against a fake beneficiary service
// over real gRPC.
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/src/fhir_routes.h"
#include "gateway/src/gateway.h"
#include "gateway/test/fhir_r4_required.h"
#include "gateway/test/fhir_samples.h"
#include "gateway/test/test_callers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::gateway {
namespace {

namespace ben = beneficiary::v1;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Pair;

class CoveringBeneficiary final : public ben::BeneficiaryService::CallbackService {
 public:
  grpc::ServerUnaryReactor* CheckEligibility(grpc::CallbackServerContext* context, const ben::EligibilityQuestion* q,
                                             ben::EligibilityAnswer* answer) override {
    answer->set_beneficiary_id(q->beneficiary_id());
    answer->set_date(q->date());
    answer->set_covered(true);
    answer->set_registration_number("100000017");
    answer->set_program("amo-tns");
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class FhirPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = rpc::Server::Start({.services = {&beneficiary_}});
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    GatewayParts parts = TestParts(backend_->port(), &authenticator_, &rate_limits_, &audit_);
    parts.hand_routes = FhirRoutes(parts.backends, audit_);
    auto gateway = Gateway::Create(std::move(parts));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
  }
  void TearDown() override {
    if (backend_) backend_->Shutdown(absl::Seconds(1));
  }
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& caller,
                    const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    const size_t question = path.find('?');
    request.path = path.substr(0, question);
    if (question != std::string::npos) {
      for (absl::string_view pair : absl::StrSplit(path.substr(question + 1), '&')) {
        std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
        request.query.push_back(kv);
      }
    }
    request.peer = "127.0.0.1";
    if (!caller.empty()) request.headers["x-test-caller"] = caller;
    if (!body.empty()) {
      request.headers["content-type"] = "application/fhir+json";
      request.body = body;
    }
    HttpResponse response;
    gateway_->Handle(request, &response);
    return response;
  }
  static void ExpectOutcome(const HttpResponse& response, int status, const std::string& issue_type) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, "application/fhir+json") << response.body;
    nlohmann::json outcome = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_FALSE(outcome.is_discarded()) << response.body;
    EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
    EXPECT_THAT(fhir::MissingRequiredElements(outcome), IsEmpty());
    EXPECT_EQ(outcome["issue"][0]["code"], issue_type) << response.body;
  }

  CoveringBeneficiary beneficiary_;
  std::unique_ptr<rpc::Server> backend_;
  HeaderAuthenticator authenticator_;
  TestRateLimits rate_limits_;
  RecordingAudit audit_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(FhirPipelineTest, MetadataIsForAnyone) {
  HttpResponse metadata = Send("GET", "/fhir/r4/metadata", "");
  EXPECT_EQ(metadata.status, 200) << metadata.body;
  EXPECT_EQ(nlohmann::json::parse(metadata.body)["resourceType"], "CapabilityStatement");
  EXPECT_EQ(Send("GET", "/fhir/r4/CodeSystem/claim-reason", "").status, 200);
}

TEST_F(FhirPipelineTest, TheProtectedRoutesAnswerWithTheScope) {
  HttpResponse answered = Send("POST", "/fhir/r4/CoverageEligibilityRequest", "key:clinic-atlas:fhir",
                               fhir::SampleEligibilityRequest().dump());
  EXPECT_EQ(answered.status, 200) << answered.body;
  nlohmann::json response = nlohmann::json::parse(answered.body);
  EXPECT_EQ(response["resourceType"], "CoverageEligibilityResponse");
  EXPECT_THAT(fhir::MissingRequiredElements(response), IsEmpty());
}

TEST_F(FhirPipelineTest, ThePipelinesRefusalsAreOperationOutcomes) {
  const std::string body = fhir::SampleEligibilityRequest().dump();
  const std::string path = "/fhir/r4/CoverageEligibilityRequest";
  ExpectOutcome(Send("POST", path, "", body), 401, "login");
  ExpectOutcome(Send("POST", path, "forged", body), 401, "login");
  ExpectOutcome(Send("POST", path, "key:ivr:ivr", body), 403, "forbidden");
  ExpectOutcome(Send("GET", "/fhir/r4/Coverage?beneficiary=100000017", "key:ivr:ivr"), 403, "forbidden");
  HttpResponse limited = Send("POST", path, "key:limited:fhir", body);
  ExpectOutcome(limited, 429, "throttled");
  EXPECT_THAT(limited.headers, Contains(Pair("Retry-After", "7")));
  ExpectOutcome(Send("GET", "/fhir/r4/Patient/100000017", "key:clinic-atlas:fhir"), 404, "not-found");
  ExpectOutcome(Send("GET", "/fhir/r4/Patient/100000017", ""), 401, "login");
  HttpResponse malformed = Send("POST", path, "key:clinic-atlas:fhir", "{");
  ExpectOutcome(malformed, 400, "invalid");
}

}  // namespace
}  // namespace himaya::gateway
