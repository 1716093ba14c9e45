// The gateway's caller parts built together: their configuration checked flag by flag, the three
// session methods served, and an agent added through the admin side able to log in through the
// local method and be known to the Authenticator by its cookie.
#include "gateway/src/auth_parts.h"

#include "absl/algorithm/container.h"
#include "gateway_database.h"
#include "gmock/gmock.h"
#include "himaya/gateway/v1/gateway.pb.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;

TEST(AuthConfigTest, EachBadValueIsRefusedNamingItsFlag) {
  EXPECT_TRUE(CheckAuthConfig({}).ok());
  AuthConfig c;
  c.lockout.max_failures = 0;
  EXPECT_THAT(std::string(CheckAuthConfig(c).message()), HasSubstr("agent_max_failures"));
  c = {};
  c.lockout.lock_for = absl::ZeroDuration();
  EXPECT_THAT(std::string(CheckAuthConfig(c).message()), HasSubstr("agent_lockout"));
  c = {};
  c.sessions.idle = absl::ZeroDuration();
  EXPECT_THAT(std::string(CheckAuthConfig(c).message()), HasSubstr("session_idle"));
  c = {};
  c.rates.account.burst = 0;
  EXPECT_THAT(std::string(CheckAuthConfig(c).message()), HasSubstr("rate_account_burst"));
}

class AuthPartsTest : public GatewayDatabaseTest {};

TEST_P(AuthPartsTest, AnAgentLogsInThroughTheLocalMethodAndIsKnownByItsCookie) {
  core::ThreadPool pool(1);
  AuthConfig config;
  config.password_cost = PasswordCost::Minimum();
  AuthParts parts(*db_, clock_, random_, pool, config, Backends{});
  EXPECT_EQ(parts.local_methods().size(), 3u);
  Agents agents(*db_, clock_, PasswordCost::Minimum(), LockoutPolicy{});
  ASSERT_TRUE(agents.Add({"agent.amal", "Amal", {"support"}, "a long passphrase"}).ok());
  v1::CreateAgentSessionRequest request;
  request.set_agent_id("agent.amal");
  request.set_password("a long passphrase");
  v1::Session session;
  HttpResponse http;
  const LocalMethod& login = parts.local_methods().at("himaya.gateway.v1.SessionService.CreateAgentSession");
  ASSERT_TRUE(login(Caller{}, HttpRequest{}, request, &session, &http).ok());
  auto cookie = absl::c_find_if(http.headers, [](const auto& h) { return h.first == "Set-Cookie"; });
  ASSERT_NE(cookie, http.headers.end());
  HttpRequest next;
  next.peer = "192.0.2.1";
  next.headers["cookie"] = cookie->second.substr(0, cookie->second.find(';'));
  auto caller = parts.authenticator().Authenticate(next);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->kind, CallerKind::kAgent);
  EXPECT_EQ(caller->subject, "agent.amal");
  EXPECT_EQ(parts.rate_limits().Admit(*caller, RateClass::kOrdinary), absl::ZeroDuration());
  EXPECT_TRUE(
      parts.access_audit().Record(*caller, "GET /v1/persons/{registration_number}", "100000017", "a call", "r1").ok());
  // An insured's login with no registration to ask is UNAVAILABLE, not a crash.
  v1::CreateSessionRequest insured;
  insured.set_registration_number("100000017");
  insured.set_password("a long passphrase");
  const LocalMethod& insured_login = parts.local_methods().at("himaya.gateway.v1.SessionService.CreateSession");
  EXPECT_TRUE(absl::IsUnavailable(insured_login(Caller{}, HttpRequest{}, insured, &session, &http)));
}

INSTANTIATE_BACKENDS(AuthPartsTest);

}  // namespace
}  // namespace himaya::gateway
