// SessionService's local methods on both backends, against a scripted registration over gRPC:
// an insured's login asks AuthenticateAccount and answers a cookie (never the token in the body),
// registration's refusals and lock-out (with retry-after) pass through, a registration that does
// not answer is UNAVAILABLE; an agent's login checks the gateway's own agents; a logout revokes
// and clears the cookie; and no password, token or key secret reaches the logs.
#include "gateway/src/session_methods.h"

#include <sstream>

#include "absl/algorithm/container.h"
#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/log.h"
#include "gateway/src/api_error.h"
#include "gateway/src/api_keys.h"
#include "gateway/src/authenticator.h"
#include "gateway_database.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "himaya/gateway/v1/gateway.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/server.h"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

namespace gv1 = himaya::gateway::v1;
namespace rv1 = himaya::registration::v1;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kInsuredPassword[] = "insured passphrase";
constexpr char kAgentPassword[] = "agent passphrase";

// Registration as the gateway sees it: 100000017 logs in with kInsuredPassword, 100000025 is
// locked for two minutes, anyone else is refused.
class ScriptedRegistration final : public rv1::RegistrationService::Service {
 public:
  grpc::Status AuthenticateAccount(grpc::ServerContext* context, const rv1::AuthenticateAccountRequest* request,
                                   rv1::AuthenticateAccountResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      ++calls_;
    }
    if (request->registration_number() == "100000025") {
      context->AddTrailingMetadata("retry-after", "120");
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "ACCOUNT_LOCKED: too many failed logins");
    }
    if (request->registration_number() != "100000017" || request->password() != kInsuredPassword) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "INVALID_CREDENTIALS: wrong number or password");
    }
    response->set_registration_number("100000017");
    response->set_program("amo-tns");
    return grpc::Status::OK;
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

std::string Full(const char* method) { return absl::StrCat("himaya.gateway.v1.SessionService.", method); }

std::string Header(const HttpResponse& http, const std::string& name) {
  auto it = absl::c_find_if(http.headers, [&](const auto& h) { return h.first == name; });
  return it == http.headers.end() ? "" : it->second;
}

class SessionMethodsTest : public GatewayDatabaseTest {
 protected:
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    auto server = rpc::Server::Start({.services = {&registration_}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    sessions_ = std::make_unique<Sessions>(*db_, clock_, SessionOptions{});
    agents_ = std::make_unique<Agents>(*db_, clock_, PasswordCost::Minimum(), LockoutPolicy{});
    ASSERT_TRUE(agents_->Add({"agent.amal", "Amal", {"support"}, kAgentPassword}).ok());
    backends_.registration =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials());
    backends_.deadline = absl::Seconds(5);
    methods_ = SessionMethods(*sessions_, *agents_, backends_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  absl::Status Call(const char* method, const google::protobuf::Message& request, gv1::Session* session,
                    HttpResponse* http, const Caller& caller = Caller{}) {
    auto it = methods_.find(Full(method));
    if (it == methods_.end()) return absl::NotFoundError(method);
    HttpRequest r;
    r.peer = "192.0.2.7";
    return it->second(caller, r, request, session, http);
  }
  absl::StatusOr<std::string> LogIn(const std::string& number, const std::string& password, HttpResponse* http) {
    gv1::CreateSessionRequest request;
    request.set_registration_number(number);
    request.set_password(password);
    gv1::Session session;
    absl::Status status = Call("CreateSession", request, &session, http);
    if (!status.ok()) return status;
    last_session_ = session;
    return Header(*http, "Set-Cookie");
  }
  // The token of a Set-Cookie value.
  static std::string TokenOf(const std::string& set_cookie) {
    std::string prefix = "__Host-himaya_session=";
    return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
  }

  ScriptedRegistration registration_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Sessions> sessions_;
  std::unique_ptr<Agents> agents_;
  Backends backends_;
  LocalMethods methods_;
  gv1::Session last_session_;
};

TEST_P(SessionMethodsTest, AllThreeMethodsAreServed) {
  EXPECT_EQ(methods_.size(), 3u);
  for (const char* m : {"CreateSession", "CreateAgentSession", "DeleteSession"}) EXPECT_TRUE(methods_.count(Full(m)));
}

TEST_P(SessionMethodsTest, AnInsuredLogsInThroughRegistrationAndGetsACookieNotAToken) {
  HttpResponse http;
  auto cookie = LogIn("100000017", kInsuredPassword, &http);
  ASSERT_TRUE(cookie.ok()) << cookie.status();
  EXPECT_THAT(*cookie, StartsWith("__Host-himaya_session="));
  EXPECT_THAT(*cookie, HasSubstr("HttpOnly"));
  EXPECT_EQ(Header(http, "Cache-Control"), "no-store");
  EXPECT_EQ(last_session_.kind(), "INSURED");
  EXPECT_EQ(last_session_.subject(), "100000017");
  EXPECT_EQ(last_session_.expires_at().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Minutes(30)));
  const std::string token = TokenOf(*cookie);
  EXPECT_EQ(last_session_.DebugString().find(token), std::string::npos) << "the token is only in the cookie";
  auto resumed = sessions_->Resume(token);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->subject, "100000017");
  EXPECT_EQ(registration_.calls(), 1);
}

TEST_P(SessionMethodsTest, RegistrationsRefusalsPassThroughWithTheirDelay) {
  HttpResponse http;
  auto wrong = LogIn("100000017", "not the password", &http);
  EXPECT_TRUE(absl::IsUnauthenticated(wrong.status())) << wrong.status();
  EXPECT_THAT(std::string(wrong.status().message()), StartsWith("INVALID_CREDENTIALS"));
  EXPECT_EQ(Header(http, "Set-Cookie"), "");
  auto locked = LogIn("100000025", kInsuredPassword, &http);
  EXPECT_TRUE(absl::IsResourceExhausted(locked.status())) << locked.status();
  EXPECT_EQ(rpc::RetryAfterOf(locked.status()), absl::Minutes(2));
  HttpResponse envelope;
  WriteJsonError(ErrorFromStatus(locked.status()), "req-1", &envelope);
  EXPECT_EQ(envelope.status, 429);
  EXPECT_EQ(Header(envelope, "Retry-After"), "120");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM sessions"), 0);
}

TEST_P(SessionMethodsTest, ARegistrationThatDoesNotAnswerIsUnavailable) {
  server_->Shutdown(absl::ZeroDuration());
  HttpResponse http;
  auto down = LogIn("100000017", kInsuredPassword, &http);
  EXPECT_TRUE(absl::IsUnavailable(down.status()) || absl::IsDeadlineExceeded(down.status())) << down.status();
}

TEST_P(SessionMethodsTest, MissingOrOversizedCredentialsAreRefusedByName) {
  HttpResponse http;
  EXPECT_THAT(std::string(LogIn("", kInsuredPassword, &http).status().message()), StartsWith("registration_number: "));
  EXPECT_THAT(std::string(LogIn("100000017", "", &http).status().message()), StartsWith("password: "));
  EXPECT_THAT(std::string(LogIn("100000017", std::string(1025, 'p'), &http).status().message()),
              StartsWith("password: "));
  EXPECT_EQ(registration_.calls(), 0) << "refused before asking registration";
}

TEST_P(SessionMethodsTest, AnAgentLogsInAgainstTheGatewaysAgents) {
  gv1::CreateAgentSessionRequest request;
  request.set_agent_id("agent.amal");
  request.set_password(kAgentPassword);
  gv1::Session session;
  HttpResponse http;
  ASSERT_TRUE(Call("CreateAgentSession", request, &session, &http).ok());
  EXPECT_EQ(session.kind(), "AGENT");
  EXPECT_EQ(session.subject(), "agent.amal");
  EXPECT_THAT(std::vector<std::string>(session.roles().begin(), session.roles().end()),
              ::testing::ElementsAre("support"));
  auto resumed = sessions_->Resume(TokenOf(Header(http, "Set-Cookie")));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->kind, SessionKind::kAgent);
  request.set_password("wrong password");
  HttpResponse refused;
  absl::Status status = Call("CreateAgentSession", request, &session, &refused);
  EXPECT_TRUE(absl::IsUnauthenticated(status)) << status;
  EXPECT_EQ(Header(refused, "Set-Cookie"), "");
  EXPECT_EQ(registration_.calls(), 0);
}

TEST_P(SessionMethodsTest, ALogoutRevokesTheSessionAndClearsTheCookie) {
  HttpResponse http;
  auto cookie = LogIn("100000017", kInsuredPassword, &http);
  ASSERT_TRUE(cookie.ok());
  auto active = sessions_->Resume(TokenOf(*cookie));
  ASSERT_TRUE(active.ok());
  Caller caller;
  caller.kind = CallerKind::kInsured;
  caller.subject = "100000017";
  caller.session_key = active->key;
  gv1::DeleteSessionRequest request;
  gv1::DeleteSessionResponse response;
  HttpResponse out;
  auto it = methods_.find(Full("DeleteSession"));
  ASSERT_NE(it, methods_.end());
  ASSERT_TRUE(it->second(caller, HttpRequest{}, request, &response, &out).ok());
  EXPECT_EQ(Header(out, "Set-Cookie"), Sessions::ClearedCookie());
  EXPECT_TRUE(absl::IsUnauthenticated(sessions_->Resume(TokenOf(*cookie)).status()));
  absl::Status anonymous = it->second(Caller{}, HttpRequest{}, request, &response, &out);
  EXPECT_TRUE(absl::IsUnauthenticated(anonymous)) << anonymous;
}

TEST_P(SessionMethodsTest, AWrongRequestTypeIsAnInternalFault) {
  gv1::CreateAgentSessionRequest wrong;
  gv1::Session session;
  HttpResponse http;
  EXPECT_TRUE(absl::IsInternal(Call("CreateSession", wrong, &session, &http)));
}

TEST_P(SessionMethodsTest, NoPasswordTokenOrKeySecretReachesTheLogs) {
  std::ostringstream logged;
  log::SetSinkForTesting(&logged);
  std::vector<std::string> secrets = {kInsuredPassword, kAgentPassword, "wrong password"};
  HttpResponse http;
  auto cookie = LogIn("100000017", kInsuredPassword, &http);
  ASSERT_TRUE(cookie.ok());
  secrets.push_back(TokenOf(*cookie));
  (void)LogIn("100000017", "wrong password", &http);
  (void)LogIn("100000025", kInsuredPassword, &http);
  gv1::CreateAgentSessionRequest agent;
  agent.set_agent_id("agent.amal");
  for (int i = 0; i < 6; ++i) {
    agent.set_password(i < 5 ? "wrong password" : kAgentPassword);
    gv1::Session session;
    HttpResponse out;
    (void)Call("CreateAgentSession", agent, &session, &out);
  }
  ApiKeys keys(*db_, clock_);
  auto key = keys.Create("ivr", {"ivr"});
  ASSERT_TRUE(key.ok());
  secrets.push_back(key->key.substr(key->key.find('.') + 1));
  CredentialAuthenticator authenticator(*sessions_, keys);
  HttpRequest request;
  request.headers["authorization"] = "ApiKey " + key->key + "x";
  (void)authenticator.Authenticate(request);
  request.headers["authorization"] = "ApiKey " + key->key;
  (void)authenticator.Authenticate(request);
  log::SetSinkForTesting(nullptr);
  for (const std::string& secret : secrets) {
    EXPECT_EQ(logged.str().find(secret), std::string::npos) << "logged: " << secret;
  }
}

INSTANTIATE_BACKENDS(SessionMethodsTest);

}  // namespace
}  // namespace himaya::gateway
