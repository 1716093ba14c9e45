// The CapabilityStatement: R4's required elements, and the resources and interactions the
// routes serve. The required-elements check itself is shown to fail on a resource missing one.
#include "gateway/src/fhir_capability.h"

#include "gateway/src/fhir_json.h"
#include "gateway/test/fhir_r4_required.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway::fhir {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(FhirCapabilityTest, HoldsR4sRequiredElements) {
  nlohmann::json statement = CapabilityStatement();
  EXPECT_THAT(MissingRequiredElements(statement), IsEmpty());
  EXPECT_EQ(statement["kind"], "instance");
  EXPECT_EQ(statement["fhirVersion"], "4.0.1");
  EXPECT_EQ(statement["status"], "active");
  EXPECT_EQ(statement["date"], kCapabilityDate);
  EXPECT_EQ(statement["format"][0], "json");
  EXPECT_EQ(statement["rest"][0]["mode"], "server");
}

TEST(FhirCapabilityTest, ListsTheResourcesAndInteractionsServed) {
  std::map<std::string, std::vector<std::string>> served;
  const nlohmann::json statement = CapabilityStatement();
  for (const nlohmann::json& resource : statement["rest"][0]["resource"]) {
    for (const nlohmann::json& i : resource["interaction"]) {
      served[resource["type"].get<std::string>()].push_back(i["code"].get<std::string>());
    }
  }
  EXPECT_THAT(served["Coverage"], ElementsAre("search-type"));
  EXPECT_THAT(served["CoverageEligibilityRequest"], ElementsAre("create"));
  EXPECT_THAT(served["Claim"], ElementsAre("create"));
  EXPECT_THAT(served["ClaimResponse"], ElementsAre("read"));
  EXPECT_THAT(served["CodeSystem"], ElementsAre("read"));
  EXPECT_EQ(served.size(), 5u);
}

TEST(FhirCapabilityTest, TheRequiredElementsCheckFindsWhatIsMissing) {
  nlohmann::json statement = CapabilityStatement();
  statement.erase("date");
  statement["rest"][0]["resource"][0]["interaction"][0].erase("code");
  statement["format"] = nlohmann::json::array();
  EXPECT_THAT(MissingRequiredElements(statement),
              UnorderedElementsAre("CapabilityStatement.date", "CapabilityStatement.format",
                                   "CapabilityStatement.rest[0].resource[0].interaction[0].code"));
  EXPECT_THAT(MissingRequiredElements(nlohmann::json{{"resourceType", "Patient"}}),
              ElementsAre("resourceType (no table for 'Patient')"));
  nlohmann::json coverage = {{"resourceType", "Coverage"},
                             {"status", "active"},
                             {"beneficiary", {{"reference", "Patient/1"}}},
                             {"payor", nlohmann::json::array({{{"display", "CNSS"}}})},
                             {"costToBeneficiary", nlohmann::json::array({{{"valueMoney", Money(100)}}, {}})}};
  EXPECT_THAT(MissingRequiredElements(coverage), ElementsAre("Coverage.costToBeneficiary[1].value[x]"));
}

}  // namespace
}  // namespace himaya::gateway::fhir
