// The code systems served: R4's required elements, the services' codes, unknown ids.
#include "gateway/src/fhir_terminology.h"

#include "gateway/src/fhir_json.h"
#include "gateway/test/fhir_r4_required.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway::fhir {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

std::vector<std::string> Codes(const nlohmann::json& system) {
  std::vector<std::string> codes;
  for (const nlohmann::json& c : system["concept"]) codes.push_back(c["code"]);
  return codes;
}

TEST(FhirTerminologyTest, ClaimReasonsAreTheClaimsServicesCodes) {
  auto system = CodeSystemById("claim-reason");
  ASSERT_TRUE(system.has_value());
  EXPECT_THAT(MissingRequiredElements(*system), IsEmpty());
  EXPECT_EQ((*system)["url"], kClaimReasonSystem);
  EXPECT_EQ((*system)["content"], "complete");
  for (const char* code : {"NOT_COVERED", "UNKNOWN_ACT", "ACT_NOT_IN_TARIFF", "QUANTITY_OVER_MAXIMUM",
                           "REPEATED_TOO_SOON", "DUPLICATE", "FILED_TOO_LATE", "INVALID_ROW", "REJECTED_BY_AGENT"}) {
    EXPECT_THAT(Codes(*system), Contains(code));
    EXPECT_FALSE(ClaimReasonDisplay(code).empty()) << code;
  }
  EXPECT_EQ((*system)["count"], Codes(*system).size());
  EXPECT_EQ(ClaimReasonDisplay("SOMETHING_NEW"), "");
}

TEST(FhirTerminologyTest, EligibilityReasonsAreBeneficiarysCodes) {
  auto system = CodeSystemById("eligibility-reason");
  ASSERT_TRUE(system.has_value());
  EXPECT_THAT(MissingRequiredElements(*system), IsEmpty());
  EXPECT_EQ((*system)["url"], kEligibilityReasonSystem);
  for (const char* code : {"NOT_REGISTERED", "NOT_YET_COVERED", "AGE_LIMIT", "STUDIES_ENDED", "REMOVED",
                           "INSURED_NOT_COVERED", "DETAILS_PENDING"}) {
    EXPECT_THAT(Codes(*system), Contains(code));
    EXPECT_FALSE(EligibilityReasonDisplay(code).empty()) << code;
  }
}

TEST(FhirTerminologyTest, OtherIdsAreNotServed) {
  EXPECT_FALSE(CodeSystemById("tnr-act").has_value());
  EXPECT_FALSE(CodeSystemById("").has_value());
  EXPECT_FALSE(CodeSystemById("claim-reason/x").has_value());
}

}  // namespace
}  // namespace himaya::gateway::fhir
