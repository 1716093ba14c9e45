// gateway_routes_e2e_test, FHIR R4 through the stack (docs/fhir.md): the CapabilityStatement and
// CodeSystems for anyone; Coverage, CoverageEligibilityRequest and Claim with a partner's API key
// of scope fhir; a ClaimResponse read back by the clinic that filed it and refused to another;
// every refusal an OperationOutcome (no key 401, another scope 403, malformed 400, unknown 404).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "claims_e2e.h"
#include "gateway_routes_e2e.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kFhirType[] = "application/fhir+json";

// An OperationOutcome: the status, and the gateway's code in issue[0].details.
void ExpectOutcome(const GatewayAnswer& answer, int status, const std::string& code,
                   const std::string& expression = "") {
  EXPECT_EQ(answer.status, status) << answer.body;
  nlohmann::json outcome = answer.Json();
  ASSERT_TRUE(outcome.is_object()) << answer.body;
  EXPECT_EQ(outcome.value("resourceType", ""), "OperationOutcome") << answer.body;
  EXPECT_THAT(outcome["issue"][0]["details"].dump(), HasSubstr(code)) << answer.body;
  EXPECT_THAT(outcome["issue"][0].value("diagnostics", ""), HasSubstr(answer.Header("x-request-id")));
  if (!expression.empty()) {
    EXPECT_THAT(outcome["issue"][0]["expression"].dump(), HasSubstr(expression));
  }
}

absl::StatusOr<GatewayAnswer> PostFhir(GatewayClient& client, const std::string& path, const nlohmann::json& resource,
                                       const std::string& key) {
  return client.Send("POST", path, resource.dump(), kFhirType, {{"Authorization", key}});
}

// Is `patient` covered today? As a clinic asks.
nlohmann::json EligibilityRequest(const std::string& patient) {
  const std::string today = CasablancaToday();
  return {{"resourceType", "CoverageEligibilityRequest"},
          {"id", "atlas-elig-1"},
          {"status", "active"},
          {"purpose", {"validation"}},
          {"patient", {{"reference", "Patient/" + patient}}},
          {"servicedDate", today},
          {"created", today},
          {"insurer", {{"identifier", {{"system", "https://himaya.ma/fhir/sid/organization"}, {"value", "CNSS"}}}}}};
}

// A consultation (C, paid 120.00) today for `patient`, the clinic's reference `identifier`.
nlohmann::json Claim(const std::string& patient, const std::string& identifier) {
  const std::string today = CasablancaToday();
  const std::string tnr = "https://himaya.ma/fhir/CodeSystem/tnr-act";
  return {
      {"resourceType", "Claim"},
      {"identifier", {{{"system", "https://clinic-atlas.ma/claims"}, {"value", identifier}}}},
      {"status", "active"},
      {"type",
       {{"coding", {{{"system", "http://terminology.hl7.org/CodeSystem/claim-type"}, {"code", "professional"}}}}}},
      {"use", "claim"},
      {"patient", {{"identifier", {{"system", "https://himaya.ma/fhir/sid/registration-number"}, {"value", patient}}}}},
      {"created", today + "T09:30:00+01:00"},
      {"provider", {{"display", "Clinique Atlas"}}},
      {"priority",
       {{"coding", {{{"system", "http://terminology.hl7.org/CodeSystem/processpriority"}, {"code", "normal"}}}}}},
      {"insurance", {{{"sequence", 1}, {"focal", true}, {"coverage", {{"reference", "Coverage/" + patient}}}}}},
      {"item",
       {{{"sequence", 1},
         {"productOrService", {{"coding", {{{"system", tnr}, {"code", "C"}}}}}},
         {"servicedDate", today},
         {"quantity", {{"value", 1}}},
         {"net", {{"value", 120.00}, {"currency", "MAD"}}}}}}};
}

TEST_F(GatewayRoutesTest, FhirMetadataAndCodeSystemsForAnyone) {
  auto client = Client();
  GatewayAnswer metadata = Saw("GET /fhir/r4/metadata", client->Get("/fhir/r4/metadata"));
  ASSERT_EQ(metadata.status, 200) << metadata.body;
  EXPECT_EQ(metadata.content_type, kFhirType);
  EXPECT_EQ(metadata.Json().value("resourceType", ""), "CapabilityStatement");
  EXPECT_EQ(metadata.Json().value("fhirVersion", ""), "4.0.1");
  const Route code_system = "GET /fhir/r4/CodeSystem/{id}";
  GatewayAnswer reasons = Saw(code_system, client->Get("/fhir/r4/CodeSystem/claim-reason"));
  ASSERT_EQ(reasons.status, 200) << reasons.body;
  EXPECT_EQ(reasons.Json().value("resourceType", ""), "CodeSystem");
  ExpectOutcome(Saw(code_system, client->Get("/fhir/r4/CodeSystem/icd-10")), 404, "NOT_FOUND");
  // Unknown resources are behind the key too: 401 without it, 404 with it.
  ExpectOutcome(*client->Get("/fhir/r4/Patient/100000017"), 401, "UNAUTHENTICATED");
  ExpectOutcome(*client->Get("/fhir/r4/Patient/100000017", {{"Authorization", FhirKey()}}), 404, "NOT_FOUND");
}

TEST_F(GatewayRoutesTest, FhirCoverageAndEligibilityWithAKeyOfScopeFhir) {
  const std::string n = Insured(kReader).registration_number;
  auto clinic = Client();
  const Route coverage = "GET /fhir/r4/Coverage";
  GatewayAnswer bundle =
      Saw(coverage, clinic->Get("/fhir/r4/Coverage?beneficiary=" + n, {{"Authorization", FhirKey()}}));
  ASSERT_EQ(bundle.status, 200) << bundle.body;
  nlohmann::json found = bundle.Json();
  EXPECT_EQ(found.value("resourceType", ""), "Bundle");
  ASSERT_GE(found.value("total", 0), 1) << bundle.body;
  EXPECT_EQ(found["entry"][0]["resource"].value("resourceType", ""), "Coverage");
  EXPECT_EQ(found["entry"][0]["resource"].value("status", ""), "active") << bundle.body;
  ExpectOutcome(Saw(coverage, clinic->Get("/fhir/r4/Coverage?beneficiary=" + n)), 401, "UNAUTHENTICATED");
  ExpectOutcome(Saw(coverage, clinic->Get("/fhir/r4/Coverage?beneficiary=" + n, {{"Authorization", IvrKey()}})), 403,
                "PERMISSION_DENIED");
  ExpectOutcome(Saw(coverage, clinic->Get("/fhir/r4/Coverage?beneficiary=12", {{"Authorization", FhirKey()}})), 400,
                "INVALID_ARGUMENT");

  const Route eligibility = "POST /fhir/r4/CoverageEligibilityRequest";
  const std::string path = "/fhir/r4/CoverageEligibilityRequest";
  GatewayAnswer covered = Saw(eligibility, PostFhir(*clinic, path, EligibilityRequest(n), FhirKey()));
  ASSERT_EQ(covered.status, 200) << covered.body;
  nlohmann::json answer = covered.Json();
  EXPECT_EQ(answer.value("resourceType", ""), "CoverageEligibilityResponse");
  EXPECT_EQ(answer["insurance"][0].value("inforce", false), true) << covered.body;
  nlohmann::json missing = EligibilityRequest(n);
  missing.erase("patient");
  ExpectOutcome(Saw(eligibility, PostFhir(*clinic, path, missing, FhirKey())), 400, "INVALID_ARGUMENT",
                "CoverageEligibilityRequest.patient");
  ExpectOutcome(
      Saw(eligibility, clinic->Send("POST", path, "<xml/>", "application/fhir+xml", {{"Authorization", FhirKey()}})),
      415, "INVALID_ARGUMENT");
}

TEST_F(GatewayRoutesTest, FhirClaimFiledOnceAndItsResponseReadByItsFilerOnly) {
  const std::string n = Insured(kReader).registration_number;
  auto clinic = Client();
  const Route claim = "POST /fhir/r4/Claim";
  const nlohmann::json filed_claim = Claim(n, "CA-E2E-0001");
  GatewayAnswer filed = Saw(claim, PostFhir(*clinic, "/fhir/r4/Claim", filed_claim, FhirKey()));
  ASSERT_EQ(filed.status, 200) << filed.body;
  nlohmann::json response = filed.Json();
  EXPECT_EQ(response.value("resourceType", ""), "ClaimResponse");
  const std::string id = response.value("id", "");
  ASSERT_FALSE(id.empty()) << filed.body;
  EXPECT_EQ(filed.Header("content-location"), "/fhir/r4/ClaimResponse/" + id);
  // The same Claim again is the same file; the same identifier for another claim is refused.
  GatewayAnswer again = Saw(claim, PostFhir(*clinic, "/fhir/r4/Claim", filed_claim, FhirKey()));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().value("id", ""), id);
  nlohmann::json other = filed_claim;
  other["item"][0]["net"]["value"] = 95.00;
  ExpectOutcome(Saw(claim, PostFhir(*clinic, "/fhir/r4/Claim", other, FhirKey())), 409, "ALREADY_EXISTS");
  nlohmann::json undated = Claim(n, "CA-E2E-0002");
  undated["item"][0].erase("servicedDate");
  ExpectOutcome(Saw(claim, PostFhir(*clinic, "/fhir/r4/Claim", undated, FhirKey())), 400, "INVALID_ARGUMENT",
                "Claim.item[0].servicedDate");
  ExpectOutcome(Saw(claim, PostFhir(*clinic, "/fhir/r4/Claim", Claim(n, "CA-E2E-0003"), "ApiKey nokey.nosecret")), 401,
                "UNAUTHENTICATED");

  const Route read = "GET /fhir/r4/ClaimResponse/{id}";
  GatewayAnswer current = Saw(read, clinic->Get("/fhir/r4/ClaimResponse/" + id, {{"Authorization", FhirKey()}}));
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.Json().value("id", ""), id);
  // Another clinic's key does not see it: the same answer as for an id that does not exist.
  ExpectOutcome(Saw(read, clinic->Get("/fhir/r4/ClaimResponse/" + id, {{"Authorization", OtherFhirKey()}})), 404,
                "NOT_FOUND");
  ExpectOutcome(Saw(read, clinic->Get("/fhir/r4/ClaimResponse/HC-NOPE", {{"Authorization", FhirKey()}})), 404,
                "NOT_FOUND");
  // The claim is the insured's too: the portal lists it, filed by the clinic.
  auto insured = InsuredClient(kReader);
  GatewayAnswer mine = Saw("GET /v1/me/claims/{claim_id}", insured->Get("/v1/me/claims/" + id));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.Json().value("channel", ""), "PARTNER:clinic-atlas");
}

}  // namespace
}  // namespace himaya::e2e
