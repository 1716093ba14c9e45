// The Authenticator on both backends: a session cookie gives the insured or the agent (roles, the
// session's key), an API key the client with its scopes, nothing the anonymous caller known by
// address; a cookie or key present but unknown, expired, revoked or malformed is refused with
// one message, never taken as anonymous.
#include "gateway/src/authenticator.h"

#include "gateway/src/secrets.h"
#include "gateway_database.h"

namespace himaya::gateway {
namespace {

class AuthenticatorTest : public GatewayDatabaseTest {
 protected:
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    sessions_ = std::make_unique<Sessions>(*db_, clock_, SessionOptions{});
    keys_ = std::make_unique<ApiKeys>(*db_, clock_);
    authenticator_ = std::make_unique<CredentialAuthenticator>(*sessions_, *keys_);
  }
  HttpRequest Request(const std::string& cookie = "", const std::string& authorization = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = "/v1/me";
    r.peer = "192.0.2.7";
    if (!cookie.empty()) r.headers["cookie"] = cookie;
    if (!authorization.empty()) r.headers["authorization"] = authorization;
    return r;
  }
  static void ExpectRefused(const absl::StatusOr<Caller>& caller, const char* message) {
    EXPECT_TRUE(absl::IsUnauthenticated(caller.status())) << caller.status();
    EXPECT_EQ(caller.status().message(), message);
  }
  std::unique_ptr<Sessions> sessions_;
  std::unique_ptr<ApiKeys> keys_;
  std::unique_ptr<CredentialAuthenticator> authenticator_;
};

TEST_P(AuthenticatorTest, ASessionCookieGivesTheInsured) {
  auto opened = sessions_->Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  auto caller = authenticator_->Authenticate(Request("lang=fr; __Host-himaya_session=" + opened->token));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->kind, CallerKind::kInsured);
  EXPECT_EQ(caller->subject, "100000017");
  EXPECT_TRUE(caller->roles.empty());
  EXPECT_EQ(caller->session_key, opened->session.key);
  EXPECT_EQ(caller->client, "ip:192.0.2.7");
}

TEST_P(AuthenticatorTest, AnAgentsSessionCookieGivesTheAgentAndRoles) {
  auto opened = sessions_->Open(SessionKind::kAgent, "agent.amal", {"supervisor", "support"});
  ASSERT_TRUE(opened.ok());
  auto caller = authenticator_->Authenticate(Request("__Host-himaya_session=" + opened->token));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->kind, CallerKind::kAgent);
  EXPECT_EQ(caller->subject, "agent.amal");
  EXPECT_TRUE(caller->HasAnyRole({"supervisor"}));
  EXPECT_EQ(caller->client, "ip:192.0.2.7");
}

TEST_P(AuthenticatorTest, AnApiKeyGivesItsClientAndScopes) {
  auto key = keys_->Create("ivr", {"ivr"});
  ASSERT_TRUE(key.ok());
  for (const std::string& header : {"ApiKey " + key->key, "apikey  " + key->key, " ApiKey " + key->key + " "}) {
    auto caller = authenticator_->Authenticate(Request("", header));
    ASSERT_TRUE(caller.ok()) << header << ": " << caller.status();
    EXPECT_EQ(caller->kind, CallerKind::kApiClient);
    EXPECT_EQ(caller->subject, "ivr");
    EXPECT_EQ(caller->roles, std::vector<std::string>{"ivr"});
    EXPECT_EQ(caller->client, "key:" + key->key_id);
    EXPECT_EQ(caller->session_key, "");
  }
}

TEST_P(AuthenticatorTest, NoCredentialIsTheAnonymousCallerByAddress) {
  for (const std::string& cookie : {std::string(), std::string("lang=ar"), std::string("__Host-himaya_session=")}) {
    auto caller = authenticator_->Authenticate(Request(cookie));
    ASSERT_TRUE(caller.ok()) << caller.status();
    EXPECT_EQ(caller->kind, CallerKind::kAnonymous);
    EXPECT_EQ(caller->subject, "");
    EXPECT_EQ(caller->client, "ip:192.0.2.7");
  }
}

TEST_P(AuthenticatorTest, ABadSessionCookieIsRefusedWithOneMessage) {
  auto expired = sessions_->Open(SessionKind::kInsured, "100000017", {});
  auto revoked = sessions_->Open(SessionKind::kInsured, "100000025", {});
  ASSERT_TRUE(expired.ok() && revoked.ok());
  ASSERT_TRUE(sessions_->Revoke(revoked->session.key).ok());
  ExpectRefused(authenticator_->Authenticate(Request("__Host-himaya_session=" + revoked->token)), kSessionRefused);
  ExpectRefused(authenticator_->Authenticate(Request("__Host-himaya_session=garbage")), kSessionRefused);
  ExpectRefused(authenticator_->Authenticate(Request("__Host-himaya_session=" + NewToken())), kSessionRefused);
  clock_.Advance(absl::Minutes(31));
  ExpectRefused(authenticator_->Authenticate(Request("__Host-himaya_session=" + expired->token)), kSessionRefused);
  // A bad cookie is refused even beside a good key.
  auto key = keys_->Create("ivr", {"ivr"});
  ASSERT_TRUE(key.ok());
  ExpectRefused(authenticator_->Authenticate(Request("__Host-himaya_session=garbage", "ApiKey " + key->key)),
                kSessionRefused);
}

TEST_P(AuthenticatorTest, ABadAuthorizationHeaderIsRefusedWithOneMessage) {
  auto key = keys_->Create("ivr", {"ivr"});
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(keys_->Revoke(key->key_id).ok());
  ExpectRefused(authenticator_->Authenticate(Request("", "ApiKey " + key->key)), kApiKeyRefused);
  ExpectRefused(authenticator_->Authenticate(Request("", "Bearer abc")), kApiKeyRefused);
  ExpectRefused(authenticator_->Authenticate(Request("", "ApiKey")), kApiKeyRefused);
  ExpectRefused(authenticator_->Authenticate(Request("", "ApiKeyx " + key->key)), kApiKeyRefused);
  ExpectRefused(authenticator_->Authenticate(Request("", "ApiKey nonsense")), kApiKeyRefused);
}

INSTANTIATE_BACKENDS(AuthenticatorTest);

}  // namespace
}  // namespace himaya::gateway
