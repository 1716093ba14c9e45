// gateway_routes_e2e_test, accounts and sessions: activation with the SMS's code and a code
// resent; lock-out after wrong passwords answered as for an unknown number; a logged-out session
// refused; a stale cookie that still loads the portal and logs in again; sessions that expire;
// rate limits answered 429 with Retry-After.
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "claims_e2e.h"
#include "gateway_routes_e2e.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"

namespace himaya::e2e {
namespace {

// When the newest session of insured `number` ends if left unused (the gateway's database).
absl::StatusOr<absl::Time> NewestSessionExpiry(const std::string& number) {
  auto db = storage::Open(
      {.url = absl::StrCat("sqlite:", GatewayRoutesTest::Stack().data_dir(), "/gateway.db"), .pool_size = 1});
  if (!db.ok()) return db.status();
  absl::Time expires;
  absl::Status read = (*db)->Read([&](storage::Transaction& tx) -> absl::Status {
    auto rows = tx.Query(
        "SELECT expires_at_us FROM sessions WHERE kind = 'INSURED' AND subject = $1 ORDER BY created_at_us DESC LIMIT "
        "1",
        {number});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return absl::NotFoundError("no session of the insured");
    expires = absl::FromUnixMicros(rows->front().Int(0));
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return expires;
}

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(GatewayRoutesTest, ActivationAndCodeResendThroughThePortal) {
  // A fourth person, registered but not activated.
  std::filesystem::create_directories(Dir() + "/fourth");
  auto registered = RegisterInsured(Stack(), Dir() + "/fourth", 1, 78, "ar");
  ASSERT_TRUE(registered.ok()) << registered.status();
  const std::string n = registered->at(0);
  auto first = ActivationCodeFromSms(Stack().data_dir(), n, absl::Seconds(60));
  ASSERT_TRUE(first.ok()) << first.status();
  auto client = Client();
  const Route resend = "POST /v1/accounts:resend-code";
  GatewayAnswer resent = Saw(resend, client->Post("/v1/accounts:resend-code", {{"registration_number", n}}));
  ASSERT_EQ(resent.status, 202) << resent.body;
  auto second = ActivationCodeFromSms(Stack().data_dir(), n, absl::Seconds(60), {*first});
  ASSERT_TRUE(second.ok()) << second.status();
  ExpectEnvelope(Saw(resend, client->Post("/v1/accounts:resend-code", {{"registration_number", 12}})), 400,
                 "INVALID_ARGUMENT");

  const Route activate = "POST /v1/accounts:activate";
  // A password too short, then a wrong code: refused, and the account stays closed.
  ExpectEnvelope(Saw(activate, Activate(*client, n, *second, "short")), 400, "INVALID_ARGUMENT");
  GatewayAnswer wrong = Saw(activate, Activate(*client, n, "ZZZZ-ZZZZ", kTestPassword));
  EXPECT_GE(wrong.status, 400) << wrong.body;
  EXPECT_LT(wrong.status, 500) << wrong.body;
  GatewayAnswer activated = Saw(activate, Activate(*client, n, *second, kTestPassword));
  ASSERT_EQ(activated.status, 200) << activated.body;
  GatewayAnswer in = Saw("POST /v1/sessions", LogIn(*client, n, kTestPassword));
  EXPECT_EQ(in.status, 201) << in.body;
  EXPECT_FALSE(client->session().empty());
  // The session is only in the cookie: HttpOnly, Secure, SameSite=Strict.
  EXPECT_THAT(in.Header("set-cookie"), HasSubstr("HttpOnly"));
  EXPECT_THAT(in.Header("set-cookie"), HasSubstr("Secure"));
  EXPECT_THAT(in.Header("set-cookie"), HasSubstr("SameSite=Strict"));
  EXPECT_THAT(in.body, Not(HasSubstr(client->session())));
  ExpectEnvelope(Saw(activate, client->Send("POST", "/v1/accounts:activate", "[1,2", "application/json")), 400,
                 "INVALID_ARGUMENT");
}

TEST_F(GatewayRoutesTest, LockOutAfterWrongPasswordsAnswersAsForAnUnknownNumber) {
  // Insured 1's account: five wrong passwords, then even the right one is refused for a while.
  auto known = Client();
  auto unknown = Client();
  const std::string n = Insured(kLockedOut).registration_number;
  const std::string nobody = "100999994";  // a valid number no one holds
  for (int attempt = 1; attempt <= 7; ++attempt) {
    GatewayAnswer a = Saw("POST /v1/sessions", LogIn(*known, n, "Wrong-Password-00"));
    GatewayAnswer b = Saw("POST /v1/sessions", LogIn(*unknown, nobody, "Wrong-Password-00"));
    EXPECT_EQ(a.status, b.status) << "attempt " << attempt << ": " << a.body << " / " << b.body;
    EXPECT_EQ(a.ErrorCode(), b.ErrorCode()) << "attempt " << attempt;
    EXPECT_EQ(a.Json()["error"].value("message", ""), b.Json()["error"].value("message", "")) << "attempt " << attempt;
    EXPECT_EQ(a.Header("retry-after").empty(), b.Header("retry-after").empty()) << "attempt " << attempt;
    if (attempt <= 5) {
      ExpectEnvelope(a, 401, "UNAUTHENTICATED");
    } else {
      EXPECT_EQ(a.status, 429) << a.body;
      EXPECT_FALSE(a.Header("retry-after").empty());
    }
  }
  GatewayAnswer right = Saw("POST /v1/sessions", LogIn(*known, n, Insured(kLockedOut).password));
  EXPECT_EQ(right.status, 429) << "locked, even with the right password: " << right.body;
  EXPECT_TRUE(known->session().empty());
  ExpectEnvelope(
      Saw("POST /v1/sessions", known->Send("POST", "/v1/sessions", "{\"registration_number\":", "application/json")),
      400, "INVALID_ARGUMENT");
  // Agents are locked out the same way.
  auto agent = Client();
  for (int attempt = 1; attempt <= 6; ++attempt) {
    GatewayAnswer a =
        Saw("POST /v1/agent-sessions",
            agent->Post("/v1/agent-sessions", {{"agent_id", "agent.locked"}, {"password", "nope-nope-nope"}}));
    EXPECT_EQ(a.status, attempt <= 5 ? 401 : 429) << "attempt " << attempt << ": " << a.body;
  }
  GatewayAnswer agent_right =
      Saw("POST /v1/agent-sessions",
          agent->Post("/v1/agent-sessions", {{"agent_id", "agent.locked"}, {"password", kLockedAgentPassword}}));
  EXPECT_EQ(agent_right.status, 429) << agent_right.body;
}

// A browser that still holds a dead cookie: the portal's page loads and the answer clears the
// cookie; logging in again with the dead cookie still sent opens a new session.
void ExpectStaleCookieLoadsThePortalAndLogsInAgain(GatewayClient& client, const std::string& stale,
                                                   const PortalInsured& insured) {
  client.set_session(stale);
  auto page = client.Get("/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 200) << page->body.substr(0, 200);
  EXPECT_THAT(page->Header("set-cookie"), HasSubstr("Max-Age=0")) << "the answer clears the dead cookie";
  EXPECT_TRUE(client.session().empty());
  client.set_session(stale);
  GatewayAnswer in =
      GatewayRoutesTest::Saw("POST /v1/sessions", LogIn(client, insured.registration_number, insured.password));
  ASSERT_EQ(in.status, 201) << in.body;
  EXPECT_NE(client.session(), stale);
  GatewayRoutesTest::Secret(client.session());
  GatewayAnswer me = GatewayRoutesTest::Saw("GET /v1/me", client.Get("/v1/me"));
  EXPECT_EQ(me.status, 200) << me.body;
}

TEST_F(GatewayRoutesTest, ALoggedOutSessionIsRefusedAndItsCookieStillLoadsThePortal) {
  auto client = InsuredClient(kSubjectOfAgents);
  const std::string session = client->session();
  ASSERT_EQ(Saw("GET /v1/me", client->Get("/v1/me")).status, 200);
  GatewayAnswer out = Saw("DELETE /v1/sessions/current", client->Delete("/v1/sessions/current"));
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_TRUE(client->session().empty()) << "the cookie is cleared";
  // The same cookie again, as a stolen copy would be sent: revoked.
  client->set_session(session);
  ExpectEnvelope(Saw("GET /v1/me", client->Get("/v1/me")), 401, "UNAUTHENTICATED");
  client->set_session(session);
  ExpectEnvelope(Saw("DELETE /v1/sessions/current", client->Delete("/v1/sessions/current")), 401, "UNAUTHENTICATED");
  ExpectStaleCookieLoadsThePortalAndLogsInAgain(*client, session, Insured(kSubjectOfAgents));
}

TEST_F(GatewayRoutesTest, AnIdleSessionExpiresAndTheInsuredLogsInAgain) {
  // The gateway again with a short idle expiry; a session made before the restart still works
  // (sessions are in its database, each with the expiry it was given).
  auto before = InsuredClient(kReader);
  std::vector<std::string> flags = GatewayFlags();
  flags.insert(flags.end(), {"--session_idle=3s", "--session_extend_every=1s"});
  RestartGateway(flags);
  auto fresh = std::make_unique<GatewayClient>(GatewayAddress(Stack()));
  fresh->set_session(before->session());
  EXPECT_EQ(Saw("GET /v1/me", fresh->Get("/v1/me")).status, 200) << "the session outlived the restart";
  // A session opened now ends once idle for 3 s.
  fresh = InsuredClient(kReader);
  const std::string session = fresh->session();
  EXPECT_EQ(Saw("GET /v1/me", fresh->Get("/v1/me")).status, 200);
  // Left unused past its idle expiry (time passing is what is tested: any request with the
  // cookie would keep it alive), the session has ended: 401, and the cookie is cleared. The
  // expiry is the session's own, read from the gateway's database; the clock is watched until
  // it has passed.
  absl::StatusOr<absl::Time> expires = NewestSessionExpiry(Insured(kReader).registration_number);
  ASSERT_TRUE(expires.ok()) << expires.status();
  EXPECT_LE(*expires, absl::Now() + absl::Seconds(3)) << "idle for 3 s at most";
  ASSERT_TRUE(stack::WaitUntil([&] { return absl::Now() > *expires; }, absl::Seconds(10), "the idle expiry").ok());
  absl::StatusOr<GatewayAnswer> expired = fresh->Get("/v1/me");
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_TRUE(fresh->session().empty()) << "the answer clears the cookie";
  ExpectEnvelope(Saw("GET /v1/me", expired), 401, "UNAUTHENTICATED");
  ExpectStaleCookieLoadsThePortalAndLogsInAgain(*fresh, session, Insured(kReader));
  RestartGateway(GatewayFlags());
}

TEST_F(GatewayRoutesTest, PastTheClientsLimitTheGatewayAnswers429WithRetryAfter) {
  auto before = InsuredClient(kReader);
  std::vector<std::string> flags = GatewayFlags();
  flags.insert(flags.end(), {"--rate_client_per_second=0.2", "--rate_client_burst=5"});
  RestartGateway(flags);
  auto client = std::make_unique<GatewayClient>(GatewayAddress(Stack()));
  client->set_session(before->session());
  // Until the client's five at once are spent, then 429 with Retry-After.
  GatewayAnswer limited;
  for (int i = 0; i < 20 && limited.status != 429; ++i) limited = Saw("GET /v1/me", client->Get("/v1/me"));
  ExpectEnvelope(limited, 429, "RESOURCE_EXHAUSTED");
  int retry_after = 0;
  EXPECT_TRUE(absl::SimpleAtoi(limited.Header("retry-after"), &retry_after)) << limited.Header("retry-after");
  EXPECT_GE(retry_after, 1);
  // Every route answers so, public ones included (FHIR's as an OperationOutcome).
  auto anonymous = Client();
  for (const char* path : {"/openapi.json", "/", "/fhir/r4/metadata"}) {
    GatewayAnswer answer = Saw(absl::StrCat("GET ", path), anonymous->Get(path));
    EXPECT_EQ(answer.status, 429) << path << ": " << answer.body.substr(0, 200);
    EXPECT_FALSE(answer.Header("retry-after").empty()) << path;
  }
  RestartGateway(GatewayFlags());
}

}  // namespace
}  // namespace himaya::e2e
