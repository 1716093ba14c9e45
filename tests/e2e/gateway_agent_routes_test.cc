// gateway_routes_e2e_test, the agents' and the IVR's routes: an agent's reads need a reason
// (X-Himaya-Reason) and a role, and are listed by `himaya audit`; a supervisor decides a claim in
// review; the IVR finds a registration number with its API key only.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "claims_e2e.h"
#include "gateway_routes_e2e.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/command.h"

namespace himaya::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

namespace reg = himaya::registration::v1;

TEST_F(GatewayRoutesTest, AgentsReadWithAReasonAuditedAndOnlyWithTheirRole) {
  auto support = AgentClient("agent.salma", kSupportPassword);
  auto supervisor = AgentClient("agent.omar", kSupervisorPassword);
  const std::string n = Insured(kSubjectOfAgents).registration_number;
  const GatewayClient::Headers why = {{"X-Himaya-Reason", "appel du 29/11, dossier perdu"}};

  // Without a reason the read is refused, before anything is read.
  GatewayAnswer no_reason = Saw("GET /v1/persons/{registration_number}", support->Get("/v1/persons/" + n));
  EXPECT_EQ(no_reason.status, 400) << no_reason.body;
  GatewayAnswer person = Saw("GET /v1/persons/{registration_number}", support->Get("/v1/persons/" + n, why));
  ASSERT_EQ(person.status, 200) << person.body;
  EXPECT_EQ(person.Json().value("registration_number", ""), n);
  GatewayAnswer family =
      Saw("GET /v1/persons/{registration_number}/family", support->Get("/v1/persons/" + n + "/family", why));
  EXPECT_EQ(family.status, 200) << family.body;
  GatewayAnswer claims =
      Saw("GET /v1/persons/{registration_number}/claims", support->Get("/v1/persons/" + n + "/claims", why));
  EXPECT_EQ(claims.status, 200) << claims.body;
  ExpectEnvelope(Saw("GET /v1/persons/{registration_number}", support->Get("/v1/persons/100999994", why)), 404,
                 "NOT_FOUND");

  // Support may not declare, nor see the review queue; the supervisor may.
  const nlohmann::json spouse = {{"relationship", "RELATIONSHIP_SPOUSE"},
                                 {"first_name", "Karim"},
                                 {"last_name", "Tazi"},
                                 {"birth_date", "1979-02-03"},
                                 {"sex", "M"}};
  ExpectEnvelope(
      Saw("POST /v1/persons/{registration_number}/family", support->Post("/v1/persons/" + n + "/family", spouse, why)),
      403, "PERMISSION_DENIED");
  ExpectEnvelope(Saw("GET /v1/claim-reviews", support->Get("/v1/claim-reviews")), 403, "PERMISSION_DENIED");
  GatewayAnswer declared = Saw("POST /v1/persons/{registration_number}/family",
                               supervisor->Post("/v1/persons/" + n + "/family", spouse, why));
  EXPECT_EQ(declared.status, 201) << declared.body;
  // An insured's session is not an agent's: no credential of the route's kind, 401.
  auto insured = InsuredClient(kSubjectOfAgents);
  ExpectEnvelope(Saw("GET /v1/persons/{registration_number}", insured->Get("/v1/persons/" + n, why)), 401,
                 "UNAUTHENTICATED");

  // The reads are in the access audit, with who, what and why; `himaya audit` lists them.
  testing::CommandRun audit = testing::RunCommand(
      {.argv = {stack::DefaultBinDir() + "/himaya", "audit", "--data_dir=" + Stack().data_dir(), "--output=json"}},
      Dir() + "/audit", absl::Seconds(60));
  ASSERT_EQ(audit.code, 0) << audit.out << audit.err;
  nlohmann::json records = nlohmann::json::parse(audit.out, nullptr, false);
  ASSERT_TRUE(records.is_array()) << audit.out;
  int reads_of_n = 0;
  for (const nlohmann::json& r : records) {
    if (r.value("agent_id", "") == "agent.salma" && r.value("subject", "") == n) {
      ++reads_of_n;
      EXPECT_EQ(r.value("reason", ""), "appel du 29/11, dossier perdu");
      EXPECT_THAT(r.value("action", ""), HasSubstr("/v1/persons/{registration_number}"));
    }
  }
  EXPECT_EQ(reads_of_n, 3) << audit.out << "\n(person, family and claims; not the read refused without a reason)";
  testing::CommandRun table =
      testing::RunCommand({.argv = {stack::DefaultBinDir() + "/himaya", "audit", "--data_dir=" + Stack().data_dir()}},
                          Dir() + "/audit-table", absl::Seconds(60));
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("agent.salma"));

  ExpectEnvelope(Saw("DELETE /v1/agent-sessions/current", insured->Delete("/v1/agent-sessions/current")), 401,
                 "UNAUTHENTICATED");
  GatewayAnswer out = Saw("DELETE /v1/agent-sessions/current", support->Delete("/v1/agent-sessions/current"));
  EXPECT_EQ(out.status, 200) << out.body;
  ExpectEnvelope(Saw("GET /v1/persons/{registration_number}", support->Get("/v1/persons/" + n, why)), 401,
                 "UNAUTHENTICATED");
}

TEST_F(GatewayRoutesTest, ASupervisorDecidesAClaimInReview) {
  auto insured = InsuredClient(kSubjectOfAgents);
  const std::string n = Insured(kSubjectOfAgents).registration_number;
  // Reimbursed over the review threshold (5,000.00 dirhams): held for an agent.
  GatewayAnswer filed = Saw("POST /v1/me/claims", insured->Post("/v1/me/claims", PortalClaim(n, "HOSP", 1, 900000)));
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string claim_id = filed.Json().value("claim_id", "");
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto got = insured->Get("/v1/me/claims/" + claim_id);
                    return got.ok() && got->Json().value("state", "") == "IN_REVIEW";
                  },
                  absl::Seconds(60), "the claim to wait for review")
                  .ok());
  // The queue and the decision are audited reads: the reason is required.
  auto supervisor = AgentClient("agent.omar", kSupervisorPassword);
  const GatewayClient::Headers why = {{"X-Himaya-Reason", "revue des dossiers du jour"}};
  ExpectEnvelope(Saw("GET /v1/claim-reviews", supervisor->Get("/v1/claim-reviews")), 400, "INVALID_ARGUMENT");
  GatewayAnswer queue = Saw("GET /v1/claim-reviews", supervisor->Get("/v1/claim-reviews", why));
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_THAT(queue.body, HasSubstr(claim_id));
  const Route decide = "POST /v1/claim-reviews/{claim_id}:decide";
  const std::string path = "/v1/claim-reviews/" + claim_id + ":decide";
  ExpectEnvelope(Saw(decide, supervisor->Post(path, {{"decision", "REJECT"}, {"reason", "MISSING_PRESCRIPTION"}})), 400,
                 "INVALID_ARGUMENT");  // no reason header
  ExpectEnvelope(Saw(decide, supervisor->Post(path, {{"decision", "SOMETIMES"}}, why)), 400, "INVALID_ARGUMENT");
  ExpectEnvelope(Saw(decide, supervisor->Post(path, {{"decision", "CONFIRM"}, {"agent", "agent.salma"}}, why)), 400,
                 "INVALID_ARGUMENT");  // the agent is the session's, not the caller's to choose
  GatewayAnswer decided =
      Saw(decide, supervisor->Post(path, {{"decision", "REJECT"}, {"reason", "MISSING_PRESCRIPTION"}}, why));
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(decided.Json().value("state", ""), "DECIDED") << decided.body;
  GatewayAnswer again = Saw(decide, supervisor->Post(path, {{"decision", "CONFIRM"}}, why));
  EXPECT_EQ(again.status, 400) << again.body;  // NOT_IN_REVIEW
}

TEST_F(GatewayRoutesTest, TheIvrFindsANumberWithItsApiKeyOnly) {
  auto registration = reg::RegistrationService::NewStub(rpc::NewChannel(Stack().endpoint("registration").grpc));
  reg::GetPersonRequest which;
  which.set_registration_number(Insured(kReader).registration_number);
  auto person = rpc::Call(*registration, &reg::RegistrationService::Stub::GetPerson, which);
  ASSERT_TRUE(person.ok()) << person.status();
  const std::string query =
      absl::StrCat("/ivr/v1/registration-number?cin=", person->cin(), "&birth_date=", person->birth_date());
  const Route route = "GET /ivr/v1/registration-number";
  auto ivr = Client();
  GatewayAnswer found = Saw(route, ivr->Get(query, {{"Authorization", IvrKey()}}));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.Json().value("registration_number", ""), Insured(kReader).registration_number);
  ExpectEnvelope(Saw(route, ivr->Get(query)), 401, "UNAUTHENTICATED");
  ExpectEnvelope(Saw(route, ivr->Get(query, {{"Authorization", "ApiKey nokey.nosecret"}})), 401, "UNAUTHENTICATED");
  // A key of another scope (FHIR) may not.
  ExpectEnvelope(Saw(route, ivr->Get(query, {{"Authorization", FhirKey()}})), 403, "PERMISSION_DENIED");
  ExpectEnvelope(Saw(route, ivr->Get("/ivr/v1/registration-number?cin=" + person->cin() + "&birth_date=12/03/1985",
                                     {{"Authorization", IvrKey()}})),
                 400, "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace himaya::e2e
