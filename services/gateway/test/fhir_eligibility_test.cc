// CoverageEligibilityRequest read (every required element, every bad input) and the response
// made of beneficiary's answer (R4's required elements; covered, not covered, nobody).
#include "gateway/src/fhir_eligibility.h"

#include <functional>

#include "gateway/test/fhir_r4_required.h"
#include "gateway/test/fhir_samples.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway::fhir {
namespace {

namespace ben = beneficiary::v1;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const absl::Time kNow = absl::FromUnixSeconds(1780000000);

absl::StatusOr<EligibilityQuery> Read(const std::function<void(nlohmann::json&)>& change) {
  nlohmann::json request = SampleEligibilityRequest();
  change(request);
  return ReadEligibilityRequest(request.dump());
}

ben::EligibilityAnswer Answer(bool covered, const std::string& reason) {
  ben::EligibilityAnswer answer;
  answer.set_beneficiary_id("100000017");
  answer.set_date("2026-06-01");
  answer.set_covered(covered);
  answer.set_reason(reason);
  if (reason != "NOT_REGISTERED") {
    answer.set_registration_number("100000017");
    answer.set_program("amo-tns");
  }
  if (covered) answer.set_covered_until("2026-12-31");
  return answer;
}

TEST(FhirEligibilityTest, ReadsThePatientAndTheDay) {
  auto query = ReadEligibilityRequest(SampleEligibilityRequest().dump());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->beneficiary_id, "100000017");
  EXPECT_EQ(query->date, "2026-06-01");
  EXPECT_EQ(query->request_reference, nlohmann::json({{"reference", "CoverageEligibilityRequest/elig-1"}}));
  auto today = Read([](nlohmann::json& r) {
    r.erase("servicedDate");
    r.erase("id");
    r["identifier"] = {{{"system", "urn:clinic"}, {"value", "Q-7"}}};
  });
  ASSERT_TRUE(today.ok()) << today.status();
  EXPECT_EQ(today->date, "");
  EXPECT_EQ(today->request_reference["identifier"]["value"], "Q-7");
  auto period = Read([](nlohmann::json& r) {
    r.erase("servicedDate");
    r["servicedPeriod"] = {{"start", "2026-07-01"}, {"end", "2026-07-31"}};
  });
  ASSERT_TRUE(period.ok()) << period.status();
  EXPECT_EQ(period->date, "2026-07-01");
}

TEST(FhirEligibilityTest, EachBadRequestIsRefusedNamingTheElement) {
  struct Case {
    std::function<void(nlohmann::json&)> change;
    std::string element;
  };
  const std::vector<Case> cases = {
      {[](nlohmann::json& r) { r["resourceType"] = "Claim"; }, "resourceType"},
      {[](nlohmann::json& r) { r.erase("status"); }, "CoverageEligibilityRequest.status"},
      {[](nlohmann::json& r) { r["status"] = "draft"; }, "CoverageEligibilityRequest.status"},
      {[](nlohmann::json& r) { r.erase("purpose"); }, "CoverageEligibilityRequest.purpose"},
      {[](nlohmann::json& r) { r["purpose"] = {"benefits"}; }, "CoverageEligibilityRequest.purpose"},
      {[](nlohmann::json& r) {
         r["purpose"] = {"validation", "x"};
       },
       "CoverageEligibilityRequest.purpose"},
      {[](nlohmann::json& r) { r["purpose"] = {7}; }, "CoverageEligibilityRequest.purpose"},
      {[](nlohmann::json& r) { r.erase("patient"); }, "CoverageEligibilityRequest.patient"},
      {[](nlohmann::json& r) {
         r["patient"] = {{"reference", "Patient/1"}};
       },
       "CoverageEligibilityRequest.patient.reference"},
      {[](nlohmann::json& r) { r.erase("created"); }, "CoverageEligibilityRequest.created"},
      {[](nlohmann::json& r) { r["created"] = "yesterday"; }, "CoverageEligibilityRequest.created"},
      {[](nlohmann::json& r) { r.erase("insurer"); }, "CoverageEligibilityRequest.insurer"},
      {[](nlohmann::json& r) { r["insurer"] = "CNSS"; }, "CoverageEligibilityRequest.insurer"},
      {[](nlohmann::json& r) { r["servicedDate"] = "2026-13-01"; }, "CoverageEligibilityRequest.servicedDate"},
      {[](nlohmann::json& r) {
         r.erase("servicedDate");
         r["servicedPeriod"] = {{"end", "2026-07-31"}};
       },
       "CoverageEligibilityRequest.servicedPeriod.start"},
      {[](nlohmann::json& r) { r["id"] = "a/b"; }, "CoverageEligibilityRequest.id"},
      {[](nlohmann::json& r) {
         r.erase("id");
         r["identifier"] = {{{"system", "urn:clinic"}}};
       },
       "CoverageEligibilityRequest.identifier[0].value"},
  };
  for (const Case& c : cases) {
    absl::Status refused = Read(c.change).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << c.element << ": " << refused;
    EXPECT_THAT(std::string(refused.message()), StartsWith(c.element + ":")) << refused;
  }
}

TEST(FhirEligibilityTest, ACoveredPatientHasItsCoverageInForce) {
  EligibilityQuery query = *ReadEligibilityRequest(SampleEligibilityRequest().dump());
  nlohmann::json response = EligibilityResponse(query, Answer(true, ""), Fund{}, kNow, "req-1");
  EXPECT_THAT(MissingRequiredElements(response), IsEmpty()) << response.dump(2);
  EXPECT_EQ(response["outcome"], "complete");
  EXPECT_EQ(response["purpose"][0], "validation");
  EXPECT_EQ(response["request"]["reference"], "CoverageEligibilityRequest/elig-1");
  EXPECT_EQ(response["patient"]["identifier"]["value"], "100000017");
  EXPECT_EQ(response["created"], DateTimeOf(kNow));
  EXPECT_EQ(response["insurer"]["identifier"]["value"], "CNSS");
  ASSERT_EQ(response["insurance"].size(), 1u);
  EXPECT_EQ(response["insurance"][0]["inforce"], true);
  EXPECT_EQ(response["insurance"][0]["coverage"]["identifier"]["value"], "100000017");
  EXPECT_EQ(response["insurance"][0]["benefitPeriod"]["end"], "2026-12-31");
  EXPECT_FALSE(response.contains("error"));
}

TEST(FhirEligibilityTest, ANotCoveredPatientHasTheReasonInTheExtension) {
  EligibilityQuery query = *ReadEligibilityRequest(SampleEligibilityRequest().dump());
  nlohmann::json response = EligibilityResponse(query, Answer(false, "AGE_LIMIT"), Fund{}, kNow, "req-1");
  EXPECT_THAT(MissingRequiredElements(response), IsEmpty()) << response.dump(2);
  const nlohmann::json& insurance = response["insurance"][0];
  EXPECT_EQ(insurance["inforce"], false);
  EXPECT_EQ(insurance["extension"][0]["url"], kNotCoveredReasonExtension);
  EXPECT_EQ(
      insurance["extension"][0]["valueCodeableConcept"]["coding"][0],
      nlohmann::json(
          {{"system", kEligibilityReasonSystem}, {"code", "AGE_LIMIT"}, {"display", "A child past the age limit"}}));
}

TEST(FhirEligibilityTest, NobodyByThatIdIsAnErrorWithoutInsurance) {
  EligibilityQuery query = *ReadEligibilityRequest(SampleEligibilityRequest().dump());
  query.request_reference = nlohmann::json();
  nlohmann::json response = EligibilityResponse(query, Answer(false, "NOT_REGISTERED"), Fund{}, kNow, "req-9");
  EXPECT_THAT(MissingRequiredElements(response), IsEmpty()) << response.dump(2);
  EXPECT_FALSE(response.contains("insurance"));
  EXPECT_EQ(response["error"][0]["code"]["coding"][0]["code"], "NOT_REGISTERED");
  EXPECT_EQ(response["error"][0]["code"]["coding"][0]["system"], kEligibilityReasonSystem);
  // Without an id or identifier, the request is named by the gateway's request id.
  EXPECT_EQ(response["request"]["identifier"]["system"], kRequestIdSystem);
  EXPECT_EQ(response["request"]["identifier"]["value"], "req-9");
}

}  // namespace
}  // namespace himaya::gateway::fhir
