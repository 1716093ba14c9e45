// The FHIR routes against fake beneficiary and claims services over real gRPC: each route's
// declaration (access, scope, OperationOutcome errors), answers, every bad input and backend
// failure as an OperationOutcome with its HTTP status, a client reading only its own claims, and
// each partner read of a person written to the access audit first (503 when it cannot be).
#include "gateway/src/fhir_routes.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "gateway/test/fhir_r4_required.h"
#include "gateway/test/fhir_samples.h"
#include "gateway/test/test_callers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::gateway {
namespace {

namespace ben = beneficiary::v1;
namespace cv1 = claims::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FakeBeneficiary final : public ben::BeneficiaryService::CallbackService {
 public:
  grpc::ServerUnaryReactor* ListFamily(grpc::CallbackServerContext* context, const ben::ListFamilyRequest* request,
                                       ben::ListFamilyResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->registration_number() != "100000017") {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "registration_number: unknown insured"));
      return reactor;
    }
    ben::Beneficiary* insured = response->add_beneficiaries();
    insured->set_beneficiary_id("100000017");
    insured->set_registration_number("100000017");
    insured->set_relationship(ben::RELATIONSHIP_INSURED);
    insured->set_program("amo-tns");
    insured->set_covered_today(true);
    insured->add_periods()->set_start_date("2026-01-01");
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* CheckEligibility(grpc::CallbackServerContext* context,
                                             const ben::EligibilityQuestion* question,
                                             ben::EligibilityAnswer* answer) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      asked.push_back(*question);
    }
    answer->set_beneficiary_id(question->beneficiary_id());
    answer->set_date(question->date().empty() ? "2026-06-01" : question->date());
    if (question->beneficiary_id() == "100000017") {
      answer->set_covered(true);
      answer->set_registration_number("100000017");
      answer->set_program("amo-tns");
    } else {
      answer->set_reason("NOT_REGISTERED");
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::mutex mu;
  std::vector<ben::EligibilityQuestion> asked;
};

class FakeClaims final : public cv1::ClaimsService::CallbackService {
 public:
  grpc::ServerUnaryReactor* SubmitClaim(grpc::CallbackServerContext* context, const cv1::SubmitClaimRequest* request,
                                        cv1::Claim* claim) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    std::lock_guard<std::mutex> lock(mu);
    submitted.push_back(*request);
    if (request->items(0).care_date() > request->filed_date()) {
      reactor->Finish(
          grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "items[0].care_date: must not be after the filed date"));
      return reactor;
    }
    claim->set_claim_id(absl::StrCat("HC-", 100 + submitted.size()));
    claim->set_registration_number(request->registration_number());
    claim->set_channel(request->channel());
    claim->set_filed_date(request->filed_date());
    claim->set_state("RECEIVED");
    for (const cv1::ClaimItem& item : request->items()) {
      cv1::ClaimItem* kept = claim->add_items();
      *kept = item;
      kept->set_item(claim->items_size());
      claim->set_claimed_centimes(claim->claimed_centimes() + item.amount_paid_centimes());
    }
    claims[claim->claim_id()] = *claim;
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* GetClaim(grpc::CallbackServerContext* context, const cv1::GetClaimRequest* request,
                                     cv1::Claim* claim) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    std::lock_guard<std::mutex> lock(mu);
    auto found = claims.find(request->claim_id());
    if (found == claims.end()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "claim_id: no such claim"));
      return reactor;
    }
    *claim = found->second;
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::mutex mu;
  std::vector<cv1::SubmitClaimRequest> submitted;
  std::map<std::string, cv1::Claim> claims;
};

class FhirRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = rpc::Server::Start({.services = {&beneficiary_, &claims_}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port()));
    routes_ = FhirRoutes({rpc::ChannelPool(), channel, channel, absl::Seconds(5)}, audit_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  const HandRoute& RouteOf(const std::string& method, const std::string& path) {
    for (const HandRoute& r : routes_) {
      if (r.method == method && r.path_template == path) return r;
    }
    ADD_FAILURE() << "no route " << method << " " << path;
    return routes_.front();
  }
  HttpResponse Call(const std::string& method, const std::string& path, const HttpRequest& request,
                    const std::map<std::string, std::string>& params = {}) {
    HttpResponse response;
    RouteOf(method, path).handle(request, client_, params, &response);
    return response;
  }
  static HttpRequest Post(const nlohmann::json& body) {
    HttpRequest request;
    request.method = "POST";
    request.headers["content-type"] = "application/fhir+json; charset=utf-8";
    request.body = body.dump();
    request.request_id = "req-1";
    return request;
  }
  static nlohmann::json Body(const HttpResponse& response) { return nlohmann::json::parse(response.body); }
  // An OperationOutcome with R4's required elements and the code and element expected.
  static void ExpectOutcome(const HttpResponse& response, int status, const std::string& code,
                            const std::string& expression = "") {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, "application/fhir+json");
    nlohmann::json outcome = Body(response);
    EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
    EXPECT_THAT(fhir::MissingRequiredElements(outcome), IsEmpty());
    EXPECT_EQ(outcome["issue"][0]["details"]["coding"][0]["code"], code) << response.body;
    if (!expression.empty()) {
      EXPECT_EQ(outcome["issue"][0]["expression"][0], expression) << response.body;
    }
  }

  FakeBeneficiary beneficiary_;
  FakeClaims claims_;
  std::unique_ptr<rpc::Server> server_;
  RecordingAudit audit_;
  std::vector<HandRoute> routes_;
  Caller client_{CallerKind::kApiClient, "clinic-atlas", {"fhir"}, "", "key:k1"};
};

TEST_F(FhirRoutesTest, EachRouteIsDeclaredWithItsAccessAndFhirErrors) {
  for (const HandRoute& r : routes_) {
    EXPECT_TRUE(r.fhir_errors) << r.path_template;
    EXPECT_EQ(r.content_type, "application/fhir+json") << r.path_template;
    EXPECT_TRUE(r.handle) << r.path_template;
    const bool open = r.path_template == "/fhir/r4/metadata" || r.path_template == "/fhir/r4/CodeSystem/{id}";
    EXPECT_EQ(r.access, open ? api::v1::PUBLIC : api::v1::API_KEY) << r.path_template;
    if (!open) {
      EXPECT_EQ(r.roles, std::vector<std::string>{"fhir"}) << r.path_template;
    }
  }
  EXPECT_EQ(RouteOf("POST", "/fhir/r4/Claim").access, api::v1::API_KEY);
  EXPECT_EQ(RouteOf("GET", "/fhir/r4/ClaimResponse/{id}").access, api::v1::API_KEY);
  EXPECT_EQ(RouteOf("GET", "/fhir/r4/Coverage").access, api::v1::API_KEY);
  EXPECT_EQ(RouteOf("POST", "/fhir/r4/CoverageEligibilityRequest").access, api::v1::API_KEY);
  // The catch-alls come last, out of the OpenAPI document.
  EXPECT_EQ(routes_.back().path_template, "/fhir/r4/*");
  EXPECT_FALSE(routes_.back().in_openapi);
}

TEST_F(FhirRoutesTest, MetadataAndCodeSystemsAreServed) {
  HttpResponse metadata = Call("GET", "/fhir/r4/metadata", HttpRequest{});
  EXPECT_EQ(metadata.status, 200);
  EXPECT_EQ(metadata.content_type, "application/fhir+json");
  EXPECT_THAT(fhir::MissingRequiredElements(Body(metadata)), IsEmpty());
  HttpResponse reasons = Call("GET", "/fhir/r4/CodeSystem/{id}", HttpRequest{}, {{"id", "claim-reason"}});
  EXPECT_EQ(reasons.status, 200);
  EXPECT_EQ(Body(reasons)["url"], "https://himaya.ma/fhir/CodeSystem/claim-reason");
  ExpectOutcome(Call("GET", "/fhir/r4/CodeSystem/{id}", HttpRequest{}, {{"id", "tnr"}}), 404, "NOT_FOUND");
}

TEST_F(FhirRoutesTest, CoverageIsSearchedByBeneficiary) {
  HttpRequest request;
  request.query = {{"beneficiary", "100000017"}};
  HttpResponse found = Call("GET", "/fhir/r4/Coverage", request);
  EXPECT_EQ(found.status, 200) << found.body;
  nlohmann::json bundle = Body(found);
  EXPECT_THAT(fhir::MissingRequiredElements(bundle), IsEmpty());
  EXPECT_EQ(bundle["total"], 1);
  EXPECT_EQ(bundle["entry"][0]["resource"]["status"], "active");
  request.query = {{"beneficiary", "100000025"}};
  HttpResponse unknown = Call("GET", "/fhir/r4/Coverage", request);
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(Body(unknown)["total"], 0);
  request.query = {{"beneficiary", "12"}};
  ExpectOutcome(Call("GET", "/fhir/r4/Coverage", request), 400, "INVALID_ARGUMENT", "Coverage.beneficiary");
  EXPECT_THAT(audit_.records(), ElementsAre("clinic-atlas GET /fhir/r4/Coverage 100000017 FHIR read by an API client",
                                            "clinic-atlas GET /fhir/r4/Coverage 100000025 FHIR read by an API client"))
      << "each search of a beneficiary, found or not; not a malformed one";
}

TEST_F(FhirRoutesTest, NothingIsReadOrAnsweredWhenTheAuditCannotRecord) {
  audit_.Refuse();
  HttpRequest request;
  request.query = {{"beneficiary", "100000017"}};
  ExpectOutcome(Call("GET", "/fhir/r4/Coverage", request), 503, "UNAVAILABLE");
  ExpectOutcome(Call("POST", "/fhir/r4/CoverageEligibilityRequest", Post(fhir::SampleEligibilityRequest())), 503,
                "UNAVAILABLE");
  EXPECT_TRUE(beneficiary_.asked.empty()) << "nothing asked of beneficiary";
}

TEST_F(FhirRoutesTest, EligibilityIsAskedOfBeneficiary) {
  HttpResponse covered = Call("POST", "/fhir/r4/CoverageEligibilityRequest", Post(fhir::SampleEligibilityRequest()));
  EXPECT_EQ(covered.status, 200) << covered.body;
  nlohmann::json response = Body(covered);
  EXPECT_THAT(fhir::MissingRequiredElements(response), IsEmpty());
  EXPECT_EQ(response["insurance"][0]["inforce"], true);
  EXPECT_EQ(response["id"], "req-1");
  ASSERT_EQ(beneficiary_.asked.size(), 1u);
  EXPECT_EQ(beneficiary_.asked[0].beneficiary_id(), "100000017");
  EXPECT_EQ(beneficiary_.asked[0].date(), "2026-06-01");
  nlohmann::json other = fhir::SampleEligibilityRequest();
  other["patient"] = {{"reference", "Patient/100000025-01"}};
  nlohmann::json nobody = Body(Call("POST", "/fhir/r4/CoverageEligibilityRequest", Post(other)));
  EXPECT_EQ(nobody["error"][0]["code"]["coding"][0]["code"], "NOT_REGISTERED");
  EXPECT_THAT(audit_.records(),
              ElementsAre("clinic-atlas POST /fhir/r4/CoverageEligibilityRequest 100000017 FHIR read by an API client",
                          "clinic-atlas POST /fhir/r4/CoverageEligibilityRequest 100000025-01 FHIR read by an API "
                          "client"));
}

TEST_F(FhirRoutesTest, EachBadBodyIsAnOperationOutcome) {
  const std::string path = "/fhir/r4/CoverageEligibilityRequest";
  HttpRequest malformed = Post(fhir::SampleEligibilityRequest());
  malformed.body = "{\"resourceType\": ";
  ExpectOutcome(Call("POST", path, malformed), 400, "INVALID_ARGUMENT", "CoverageEligibilityRequest");
  nlohmann::json wrong = fhir::SampleEligibilityRequest();
  wrong["resourceType"] = "Claim";
  ExpectOutcome(Call("POST", path, Post(wrong)), 400, "INVALID_ARGUMENT", "resourceType");
  nlohmann::json missing = fhir::SampleEligibilityRequest();
  missing.erase("patient");
  ExpectOutcome(Call("POST", path, Post(missing)), 400, "INVALID_ARGUMENT", "CoverageEligibilityRequest.patient");
  HttpRequest xml = Post(fhir::SampleEligibilityRequest());
  xml.headers["content-type"] = "application/fhir+xml";
  ExpectOutcome(Call("POST", path, xml), 415, "INVALID_ARGUMENT");
  HttpRequest large = Post(fhir::SampleEligibilityRequest());
  large.body.append(fhir::kMaxResourceBytes, ' ');
  ExpectOutcome(Call("POST", path, large), 413, "INVALID_ARGUMENT");
  nlohmann::json bad_claim = fhir::SampleClaim();
  bad_claim["item"][0].erase("servicedDate");
  ExpectOutcome(Call("POST", "/fhir/r4/Claim", Post(bad_claim)), 400, "INVALID_ARGUMENT", "Claim.item[0].servicedDate");
  EXPECT_TRUE(beneficiary_.asked.empty());
  EXPECT_TRUE(claims_.submitted.empty());
}

TEST_F(FhirRoutesTest, AClaimIsFiledOnTheClientsChannelAndReadBackByItOnly) {
  HttpResponse filed = Call("POST", "/fhir/r4/Claim", Post(fhir::SampleClaim()));
  ASSERT_EQ(filed.status, 200) << filed.body;
  nlohmann::json response = Body(filed);
  EXPECT_THAT(fhir::MissingRequiredElements(response), IsEmpty());
  EXPECT_EQ(response["outcome"], "queued");
  EXPECT_EQ(response["request"]["identifier"]["value"], "CA-2026-0001");
  ASSERT_EQ(claims_.submitted.size(), 1u);
  EXPECT_EQ(claims_.submitted[0].channel(), "PARTNER:clinic-atlas");
  EXPECT_EQ(claims_.submitted[0].idempotency_key(), "fhir:clinic-atlas:CA-2026-0001");
  const std::string id = response["id"];
  EXPECT_THAT(filed.headers,
              ::testing::Contains(std::make_pair(std::string("Content-Location"), "/fhir/r4/ClaimResponse/" + id)));

  HttpResponse mine = Call("GET", "/fhir/r4/ClaimResponse/{id}", HttpRequest{}, {{"id", id}});
  EXPECT_EQ(mine.status, 200) << mine.body;
  EXPECT_THAT(audit_.records(),
              ElementsAre(absl::StrCat("clinic-atlas GET /fhir/r4/ClaimResponse/{id} ",
                                       claims_.submitted[0].registration_number(), " FHIR read by an API client")))
      << "the claim read back, under its insured; not the filing";
  EXPECT_EQ(Body(mine)["id"], id);
  EXPECT_THAT(fhir::MissingRequiredElements(Body(mine)), IsEmpty());

  client_.subject = "insurer-saham";
  ExpectOutcome(Call("GET", "/fhir/r4/ClaimResponse/{id}", HttpRequest{}, {{"id", id}}), 404, "NOT_FOUND");
  ExpectOutcome(Call("GET", "/fhir/r4/ClaimResponse/{id}", HttpRequest{}, {{"id", "HC-999"}}), 404, "NOT_FOUND");
  ExpectOutcome(Call("GET", "/fhir/r4/ClaimResponse/{id}", HttpRequest{}, {{"id", "../x"}}), 404, "NOT_FOUND");
  EXPECT_EQ(audit_.records().size(), 1u) << "another client's claim is not read";
}

TEST_F(FhirRoutesTest, TheClaimsServicesRefusalNamesTheClaimsElement) {
  nlohmann::json claim = fhir::SampleClaim();
  claim["item"][0]["servicedDate"] = "2026-05-09";  // after Claim.created
  ExpectOutcome(Call("POST", "/fhir/r4/Claim", Post(claim)), 400, "INVALID_ARGUMENT", "Claim.item[0].servicedDate");
}

TEST_F(FhirRoutesTest, UnknownResourcesAreNotFound) {
  ExpectOutcome(Call("GET", "/fhir/r4/*", HttpRequest{}), 404, "NOT_FOUND");
  ExpectOutcome(Call("DELETE", "/fhir/r4/*", HttpRequest{}), 404, "NOT_FOUND");
}

TEST(FhirRoutesBackendTest, ABackendDownIsUnavailable) {
  // Nothing listens there: every call fails at once, UNAVAILABLE.
  auto channel = rpc::NewChannel("127.0.0.1:1");
  RecordingAudit audit;
  std::vector<HandRoute> routes = FhirRoutes({rpc::ChannelPool(), channel, channel, absl::Seconds(2)}, audit);
  Caller client{CallerKind::kApiClient, "clinic-atlas", {"fhir"}, "", "key:k1"};
  for (const HandRoute& r : routes) {
    if (r.path_template != "/fhir/r4/Coverage" && r.path_template != "/fhir/r4/Claim") continue;
    HttpRequest request;
    request.headers["content-type"] = "application/fhir+json";
    request.query = {{"beneficiary", "100000017"}};
    request.body = fhir::SampleClaim().dump();
    HttpResponse response;
    r.handle(request, client, {}, &response);
    EXPECT_EQ(response.status, 503) << r.path_template << ": " << response.body;
    nlohmann::json outcome = nlohmann::json::parse(response.body);
    EXPECT_EQ(outcome["issue"][0]["code"], "transient");
  }
}

}  // namespace
}  // namespace himaya::gateway
