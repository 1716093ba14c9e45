// gateway_routes_e2e_test, the insured's routes: every protected route refused without
// credentials (401), the insured's registration, eligibility and certificate, a child declared
// and removed, a payment mode chosen and shown masked, claims filed and followed; another insured's data is 404;
// malformed JSON, an unknown or hidden field, a body too large (413) are refused.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "claims_e2e.h"
#include "gateway_routes_e2e.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(GatewayRoutesTest, WithoutCredentialsEveryProtectedRouteAnswers401) {
  auto anonymous = Client();
  const std::string n = Insured(kReader).registration_number;
  for (const auto& [route, method, path] : std::vector<std::tuple<Route, std::string, std::string>>{
           {"GET /v1/me", "GET", "/v1/me"},
           {"GET /v1/me/family", "GET", "/v1/me/family"},
           {"POST /v1/me/family", "POST", "/v1/me/family"},
           {"DELETE /v1/me/family/{beneficiary_id}", "DELETE", "/v1/me/family/" + n + "-01"},
           {"GET /v1/me/eligibility", "GET", "/v1/me/eligibility"},
           {"GET /v1/me/attestation.pdf", "GET", "/v1/me/attestation.pdf"},
           {"GET /v1/me/claims", "GET", "/v1/me/claims"},
           {"POST /v1/me/claims", "POST", "/v1/me/claims"},
           {"GET /v1/me/claims/{claim_id}", "GET", "/v1/me/claims/C-1"},
           {"GET /v1/me/payment-mode", "GET", "/v1/me/payment-mode"},
           {"PUT /v1/me/payment-mode", "PUT", "/v1/me/payment-mode"},
           {"DELETE /v1/sessions/current", "DELETE", "/v1/sessions/current"},
           {"DELETE /v1/agent-sessions/current", "DELETE", "/v1/agent-sessions/current"},
           {"GET /v1/persons/{registration_number}", "GET", "/v1/persons/" + n},
           {"GET /v1/persons/{registration_number}/family", "GET", "/v1/persons/" + n + "/family"},
           {"POST /v1/persons/{registration_number}/family", "POST", "/v1/persons/" + n + "/family"},
           {"GET /v1/persons/{registration_number}/claims", "GET", "/v1/persons/" + n + "/claims"},
           {"GET /v1/claim-reviews", "GET", "/v1/claim-reviews"},
           {"POST /v1/claim-reviews/{claim_id}:decide", "POST", "/v1/claim-reviews/C-1:decide"},
           {"GET /ivr/v1/registration-number", "GET", "/ivr/v1/registration-number?cin=BK1&birth_date=1980-01-01"},
       }) {
    GatewayAnswer answer =
        Saw(route, anonymous->Send(method, path, method == "POST" || method == "PUT" ? "{}" : "", "application/json"));
    ExpectEnvelope(answer, 401, "UNAUTHENTICATED");
  }
  // A cookie the gateway never gave: 401, the same words.
  anonymous->set_session("not-a-session");
  ExpectEnvelope(Saw("GET /v1/me", anonymous->Get("/v1/me")), 401, "UNAUTHENTICATED");
}

TEST_F(GatewayRoutesTest, TheInsuredReadsTheirOwnRegistrationEligibilityAndCertificate) {
  auto client = InsuredClient(kReader);
  const std::string n = Insured(kReader).registration_number;
  GatewayAnswer me = Saw("GET /v1/me", client->Get("/v1/me"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json().value("registration_number", ""), n);
  EXPECT_FALSE(me.Header("x-request-id").empty());

  GatewayAnswer eligible = Saw("GET /v1/me/eligibility", client->Get("/v1/me/eligibility"));
  ASSERT_EQ(eligible.status, 200) << eligible.body;
  EXPECT_EQ(eligible.Json().value("covered", false), true) << eligible.body;
  EXPECT_EQ(eligible.Json().value("beneficiary_id", ""), n);
  ExpectEnvelope(Saw("GET /v1/me/eligibility", client->Get("/v1/me/eligibility?date=tomorrow")), 400,
                 "INVALID_ARGUMENT");
  // The principal is the session's: a beneficiary_id in the query is a field the caller may not set.
  ExpectEnvelope(Saw("GET /v1/me/eligibility",
                     client->Get("/v1/me/eligibility?beneficiary_id=" + Insured(kFamily).registration_number)),
                 400, "INVALID_ARGUMENT");

  GatewayAnswer pdf = Saw("GET /v1/me/attestation.pdf", client->Get("/v1/me/attestation.pdf"));
  ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_TRUE(absl::StartsWith(pdf.body, "%PDF-")) << pdf.body.substr(0, 20);
  ExpectEnvelope(Saw("GET /v1/me/attestation.pdf", client->Get("/v1/me/attestation.pdf?language=xx")), 400,
                 "INVALID_ARGUMENT");
}

// Sends `head` (a request's line and headers) on a new connection to `address` (HOST:PORT) and
// returns the status of the answer.
absl::StatusOr<int> StatusOfHeadersOnly(const std::string& address, const std::string& head) {
  const size_t colon = address.rfind(':');
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &to.sin_addr) != 1) {
    return absl::InvalidArgumentError("not an IPv4 address: " + address);
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket");
  timeval ten_seconds{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof ten_seconds);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
      send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size())) {
    char buffer[4096];
    ssize_t got = 0;
    while (answer.find("\r\n") == std::string::npos && (got = recv(fd, buffer, sizeof buffer, 0)) > 0) {
      answer.append(buffer, static_cast<size_t>(got));
    }
  }
  close(fd);
  int status = 0;
  std::vector<std::string> line = absl::StrSplit(answer.substr(0, answer.find("\r\n")), ' ');
  if (line.size() < 2 || !absl::SimpleAtoi(line[1], &status)) {
    return absl::UnavailableError("no HTTP answer: " + answer.substr(0, 100));
  }
  return status;
}

TEST_F(GatewayRoutesTest, TheInsuredDeclaresAndRemovesAChildAndBadBodiesAreRefused) {
  auto client = InsuredClient(kFamily);
  const std::string n = Insured(kFamily).registration_number;
  const nlohmann::json child = {{"relationship", "RELATIONSHIP_CHILD"},
                                {"first_name", "Sara"},
                                {"last_name", "Bennani"},
                                {"birth_date", "2016-04-12"},
                                {"sex", "F"}};
  GatewayAnswer declared = Saw("POST /v1/me/family", client->Post("/v1/me/family", child));
  ASSERT_EQ(declared.status, 201) << declared.body;
  const std::string child_id = declared.Json()["beneficiary"].value("beneficiary_id", "");
  EXPECT_EQ(child_id, n + "-01") << declared.body;

  GatewayAnswer family = Saw("GET /v1/me/family", client->Get("/v1/me/family"));
  ASSERT_EQ(family.status, 200) << family.body;
  EXPECT_THAT(family.body, HasSubstr(child_id));

  // Refusals: malformed JSON, an unknown field, a field set by the gateway (start_date hidden,
  // registration_number the principal's), a body over the limit, a family rule's refusal.
  ExpectEnvelope(
      Saw("POST /v1/me/family", client->Send("POST", "/v1/me/family", "{\"first_name\": ", "application/json")), 400,
      "INVALID_ARGUMENT");
  nlohmann::json unknown = child;
  unknown["nickname"] = "Sousou";
  GatewayAnswer refused = Saw("POST /v1/me/family", client->Post("/v1/me/family", unknown));
  ExpectEnvelope(refused, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(refused.Json()["error"].value("field", ""), "nickname") << refused.body;
  for (const char* hidden : {"start_date", "registration_number", "declared_by"}) {
    nlohmann::json with = child;
    with[hidden] = hidden == std::string("start_date") ? "2020-01-01" : Insured(kReader).registration_number;
    GatewayAnswer answer = Saw("POST /v1/me/family", client->Post("/v1/me/family", with));
    ExpectEnvelope(answer, 400, "INVALID_ARGUMENT");
    EXPECT_EQ(answer.Json()["error"].value("field", ""), hidden) << answer.body;
  }
  // A body over --http_max_body_bytes (1 MiB) is refused from its Content-Length, before it is
  // sent: the headers alone are sent and the answer read (a client that wrote the whole body
  // would meet the connection closed under its write).
  absl::StatusOr<int> too_large = StatusOfHeadersOnly(
      client->address(),
      absl::StrCat("POST /v1/me/family HTTP/1.1\r\nHost: gateway\r\nCookie: ", client->CookieHeader(),
                   "\r\nContent-Type: application/json\r\nContent-Length: ", 2 << 20, "\r\n\r\n"));
  ASSERT_TRUE(too_large.ok()) << too_large.status();
  EXPECT_EQ(*too_large, 413);
  nlohmann::json spouse_too_young = child;
  spouse_too_young["relationship"] = "RELATIONSHIP_SPOUSE";
  spouse_too_young["birth_date"] = "2020-01-01";
  GatewayAnswer rule = Saw("POST /v1/me/family", client->Post("/v1/me/family", spouse_too_young));
  EXPECT_GE(rule.status, 400) << rule.body;
  EXPECT_LT(rule.status, 500) << rule.body;

  // Removed: the reason and the last covered day in the query.
  const Route remove = "DELETE /v1/me/family/{beneficiary_id}";
  ExpectEnvelope(Saw(remove, client->Delete("/v1/me/family/" + child_id)), 400, "INVALID_ARGUMENT");
  // Another insured's child is not found for this one.
  auto other = InsuredClient(kSubjectOfAgents);
  GatewayAnswer not_theirs =
      Saw(remove, other->Delete("/v1/me/family/" + child_id + "?reason=OTHER&end_date=" + CasablancaToday()));
  EXPECT_EQ(not_theirs.status, 404) << not_theirs.body;
  GatewayAnswer removed = Saw(
      remove, client->Delete("/v1/me/family/" + child_id + "?reason=DECLARED_IN_ERROR&end_date=" + CasablancaToday()));
  ASSERT_EQ(removed.status, 200) << removed.body;
}

TEST_F(GatewayRoutesTest, TheInsuredChoosesAPaymentModeSeenMaskedAndBadOnesAreRefused) {
  auto client = InsuredClient(kFamily);
  const std::string rib = "007780000123456789012396";
  Secret(rib);
  // None chosen yet by this insured.
  ExpectEnvelope(Saw("GET /v1/me/payment-mode", InsuredClient(kReader)->Get("/v1/me/payment-mode")), 404, "NOT_FOUND");

  // A wrong key: the reason and the field in the envelope, the account not echoed.
  const nlohmann::json wrong = {{"method", "PAYMENT_METHOD_BANK_TRANSFER"}, {"rib", "007780000123456789012395"}};
  GatewayAnswer refused =
      Saw("PUT /v1/me/payment-mode", client->Send("PUT", "/v1/me/payment-mode", wrong.dump(), "application/json"));
  ExpectEnvelope(refused, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(refused.Json()["error"].value("field", ""), "rib") << refused.body;
  EXPECT_THAT(refused.Json()["error"].value("message", ""), ::testing::StartsWith("RIB_KEY: rib: "));
  EXPECT_THAT(refused.body, Not(HasSubstr("0001234567890123")));
  // chosen_by and the number are the gateway's to set.
  nlohmann::json forged = {{"method", "PAYMENT_METHOD_BANK_TRANSFER"}, {"rib", rib}, {"chosen_by", "AGENT:x"}};
  ExpectEnvelope(
      Saw("PUT /v1/me/payment-mode", client->Send("PUT", "/v1/me/payment-mode", forged.dump(), "application/json")),
      400, "INVALID_ARGUMENT");

  const nlohmann::json bank = {{"method", "PAYMENT_METHOD_BANK_TRANSFER"}, {"rib", "007 780 0001234567890123 96"}};
  GatewayAnswer chosen =
      Saw("PUT /v1/me/payment-mode", client->Send("PUT", "/v1/me/payment-mode", bank.dump(), "application/json"));
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.Json().value("account_masked", ""), "**** 2396") << chosen.body;
  EXPECT_EQ(chosen.Json().value("chosen_by", ""), "PORTAL");
  EXPECT_EQ(chosen.Json().value("method", ""), "PAYMENT_METHOD_BANK_TRANSFER");
  EXPECT_THAT(chosen.body, Not(HasSubstr("0001234567890123")));

  GatewayAnswer shown = Saw("GET /v1/me/payment-mode", client->Get("/v1/me/payment-mode"));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.Json().value("account_masked", ""), "**** 2396");
  EXPECT_EQ(shown.Json().value("registration_number", ""), Insured(kFamily).registration_number);
}

TEST_F(GatewayRoutesTest, TheInsuredFilesAndFollowsClaimsAndAnotherInsuredCannotSeeThem) {
  auto client = InsuredClient(kReader);
  const std::string n = Insured(kReader).registration_number;
  GatewayAnswer filed = Saw("POST /v1/me/claims", client->Post("/v1/me/claims", PortalClaim(n, "C", 1, 10000)));
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string claim_id = filed.Json().value("claim_id", "");
  ASSERT_FALSE(claim_id.empty()) << filed.body;
  EXPECT_EQ(filed.Json().value("registration_number", ""), n);
  EXPECT_EQ(filed.Json().value("channel", ""), "PORTAL") << filed.body;

  GatewayAnswer one = Saw("GET /v1/me/claims/{claim_id}", client->Get("/v1/me/claims/" + claim_id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json().value("claim_id", ""), claim_id);
  GatewayAnswer listed = Saw("GET /v1/me/claims", client->Get("/v1/me/claims?page_size=10"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, HasSubstr(claim_id));

  // Another insured: the claim does not exist for them, and their list does not hold it.
  auto other = InsuredClient(kFamily);
  ExpectEnvelope(Saw("GET /v1/me/claims/{claim_id}", other->Get("/v1/me/claims/" + claim_id)), 404, "NOT_FOUND");
  GatewayAnswer theirs = Saw("GET /v1/me/claims", other->Get("/v1/me/claims"));
  EXPECT_EQ(theirs.status, 200);
  EXPECT_THAT(theirs.body, Not(HasSubstr(claim_id)));
  ExpectEnvelope(Saw("GET /v1/me/claims/{claim_id}", client->Get("/v1/me/claims/NO-SUCH-CLAIM")), 404, "NOT_FOUND");

  // Refusals: a claim_id chosen by the caller (hidden), no items, a page size that is not a number.
  nlohmann::json with_id = PortalClaim(n, "C", 1, 10000);
  with_id["claim_id"] = "MINE-1";
  ExpectEnvelope(Saw("POST /v1/me/claims", client->Post("/v1/me/claims", with_id)), 400, "INVALID_ARGUMENT");
  ExpectEnvelope(Saw("POST /v1/me/claims", client->Post("/v1/me/claims", {{"items", nlohmann::json::array()}})), 400,
                 "INVALID_ARGUMENT");
  ExpectEnvelope(Saw("GET /v1/me/claims", client->Get("/v1/me/claims?page_size=many")), 400, "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace himaya::e2e
