// The gateway's unit of work end to end: the real HTTP server and pipeline in front of a real
// (in-process, plaintext) gRPC beneficiary service, driven by a real HTTP client.
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "core/thread_pool.h"
#include "gateway/src/backend_call.h"
#include "gateway/src/gateway.h"
#include "gateway/src/http_server.h"
#include "gateway/test/test_callers.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::gateway {
namespace {

namespace ben = beneficiary::v1;
using ::testing::HasSubstr;

// Answers eligibility for anyone; the date "hold" keeps the call until released (a slow service).
class FakeBeneficiary : public ben::BeneficiaryService::CallbackService {
 public:
  grpc::ServerUnaryReactor* CheckEligibility(grpc::CallbackServerContext* context, const ben::EligibilityQuestion* q,
                                             ben::EligibilityAnswer* answer) override {
    return rpc::Handle(context, pool_, [this, q, answer]() -> absl::Status {
      {
        absl::MutexLock lock(&mu_);
        last_question_ = *q;
      }
      if (q->date() == "hold") release_.WaitForNotificationWithTimeout(absl::Seconds(20));
      if (q->date() == "bad") return absl::InvalidArgumentError("date: not a date");
      answer->set_beneficiary_id(q->beneficiary_id());
      answer->set_date(q->date());
      answer->set_covered(true);
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* ListFamily(grpc::CallbackServerContext* context, const ben::ListFamilyRequest*,
                                       ben::ListFamilyResponse*) override {
    return rpc::Handle(context, pool_, [] { return absl::OkStatus(); });
  }

  ben::EligibilityQuestion last_question() {
    absl::MutexLock lock(&mu_);
    return last_question_;
  }
  void Release() { release_.Notify(); }

 private:
  core::ThreadPool pool_{4};
  absl::Notification release_;
  absl::Mutex mu_;
  ben::EligibilityQuestion last_question_ ABSL_GUARDED_BY(mu_);
};

class RefusingAudit : public AccessAudit {
 public:
  absl::Status Record(const Caller&, absl::string_view, absl::string_view, absl::string_view,
                      absl::string_view) override {
    return absl::UnavailableError("audit store down");
  }
};

class GatewayHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = rpc::Server::Start(
        {.services = {&beneficiary_}, .service_names = {ben::BeneficiaryService::service_full_name()}});
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    GatewayParts parts;
    parts.authenticator = &authenticator_;
    parts.rate_limits = &rate_limits_;
    parts.access_audit = &audit_;
    parts.backends.beneficiary = rpc::NewChannel(absl::StrCat("127.0.0.1:", backend_->port()));
    parts.backends.deadline = absl::Milliseconds(300);
    HandRoute ping;
    ping.method = "GET";
    ping.path_template = "/ping";
    ping.handle = [](const HttpRequest&, const Caller&, const std::map<std::string, std::string>&,
                     HttpResponse* response) { response->body = "{\"pong\":true}"; };
    parts.hand_routes.push_back(ping);
    auto gateway = Gateway::Create(std::move(parts));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    HttpServerOptions options;
    options.threads = 2;
    options.max_body_bytes = 4096;
    options.max_header_bytes = 2048;
    options.max_url_bytes = 1024;
    Gateway* g = gateway_.get();
    auto server = HttpServer::Start(
        options, [g](HttpRequest& request, HttpResponse* response) { g->Handle(request, response); },
        [g](HttpRequest& request, const ApiError& error, int status, HttpResponse* response) {
          g->Refused(request, error, status, response);
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_keep_alive(true);
    client_->set_read_timeout(10, 0);
  }

  void TearDown() override {
    beneficiary_.Release();
    if (server_) server_->Shutdown();
    if (backend_) backend_->Shutdown(absl::Seconds(1));
  }

  // The envelope of an error answer, checked to carry the answer's request id.
  static nlohmann::json Envelope(const httplib::Result& result) {
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("error")) << result->body;
    if (!body.is_object() || !body.contains("error")) return nlohmann::json::object();
    EXPECT_EQ(body["error"]["request_id"], result->get_header_value("X-Request-Id"));
    return body["error"];
  }

  FakeBeneficiary beneficiary_;
  std::unique_ptr<rpc::Server> backend_;
  HeaderAuthenticator authenticator_;
  TestRateLimits rate_limits_;
  RefusingAudit audit_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(GatewayHttpTest, AnInsuredReadsTheirEligibilityThroughTheBackend) {
  auto result = client_->Get("/v1/me/eligibility?date=2026-05-01", {{"X-Test-Caller", "insured:123456782"}});
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  nlohmann::json body = nlohmann::json::parse(result->body);
  EXPECT_EQ(body["beneficiary_id"], "123456782");
  EXPECT_EQ(body["covered"], true);
  EXPECT_EQ(body["reason"], "");
  EXPECT_EQ(beneficiary_.last_question().beneficiary_id(), "123456782");
  EXPECT_EQ(beneficiary_.last_question().date(), "2026-05-01");
}

TEST_F(GatewayHttpTest, EveryAnswerCarriesARequestIdAndTheSecurityHeaders) {
  auto ok = client_->Get("/ping");
  auto missing = client_->Get("/nowhere");
  ASSERT_TRUE(ok && missing);
  for (const auto* result : {&ok, &missing}) {
    EXPECT_EQ((*result)->get_header_value("X-Request-Id").size(), 32u);
    EXPECT_EQ((*result)->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ((*result)->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ((*result)->get_header_value("Cache-Control"), "no-store");
  }
  EXPECT_NE(ok->get_header_value("X-Request-Id"), missing->get_header_value("X-Request-Id"));
}

TEST_F(GatewayHttpTest, KeepAliveReusesTheConnection) {
  const int64_t before = server_->connections_accepted();
  for (int i = 0; i < 5; ++i) {
    auto result = client_->Get("/ping");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200);
  }
  EXPECT_EQ(server_->connections_accepted() - before, 1);
}

TEST_F(GatewayHttpTest, NoRouteIs404AndAnotherMethodIs405WithAllow) {
  auto missing = client_->Get("/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Envelope(missing)["code"], "NOT_FOUND");
  auto wrong = client_->Put("/v1/me/family", "{}", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "GET, POST");
  EXPECT_EQ(Envelope(wrong)["code"], "UNIMPLEMENTED");
}

TEST_F(GatewayHttpTest, AFhirPathWithoutARouteGetsAnOperationOutcome) {
  auto missing = client_->Get("/fhir/r4/Nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/fhir+json");
  EXPECT_EQ(nlohmann::json::parse(missing->body)["resourceType"], "OperationOutcome");
}

TEST_F(GatewayHttpTest, ABodyTooLargeIs413BeforeItIsRead) {
  std::string big(64 * 1024, 'x');
  auto result = client_->Post("/v1/me/family", {{"X-Test-Caller", "insured:123456782"}}, big, "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 413);
  nlohmann::json error = Envelope(result);
  EXPECT_EQ(error["code"], "INVALID_ARGUMENT");
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("larger than 4096 bytes"));
}

TEST_F(GatewayHttpTest, AChunkedBodyTooLargeIs413) {
  std::string big(64 * 1024, 'x');
  auto result = client_->Post(
      "/v1/me/family", {{"X-Test-Caller", "insured:123456782"}},
      [&](size_t offset, httplib::DataSink& sink) {
        sink.write(big.data() + offset, 8192);
        if (offset + 8192 >= big.size()) sink.done();
        return true;
      },
      "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(Envelope(result)["code"], "INVALID_ARGUMENT");
}

TEST_F(GatewayHttpTest, HeadersAndUrlsTooLargeAreRefusedInTheEnvelope) {
  auto headers = client_->Get("/ping", {{"X-Padding", std::string(3000, 'p')}});
  ASSERT_TRUE(headers);
  EXPECT_EQ(headers->status, 431);
  EXPECT_EQ(Envelope(headers)["code"], "INVALID_ARGUMENT");
  auto url = client_->Get("/ping?q=" + std::string(1500, 'q'));
  ASSERT_TRUE(url);
  EXPECT_EQ(url->status, 414);
  EXPECT_EQ(Envelope(url)["code"], "INVALID_ARGUMENT");
}

TEST_F(GatewayHttpTest, ABodyThatIsNotJsonIs415) {
  auto result = client_->Post("/v1/me/family", {{"X-Test-Caller", "insured:123456782"}}, "relationship=CHILD",
                              "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_EQ(Envelope(result)["code"], "INVALID_ARGUMENT");
}

TEST_F(GatewayHttpTest, MalformedJsonAndUnknownFieldsAre400) {
  auto malformed = client_->Post("/v1/me/family", {{"X-Test-Caller", "insured:123456782"}},
                                 "{\"relationship\":", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  auto unknown = client_->Post("/v1/me/family", {{"X-Test-Caller", "insured:123456782"}}, R"({"nickname": "x"})",
                               "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(Envelope(unknown)["field"], "nickname");
}

TEST_F(GatewayHttpTest, ASlowServiceIs504AtTheDeadline) {
  auto result = client_->Get("/v1/me/eligibility?date=hold", {{"X-Test-Caller", "insured:123456782"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 504);
  EXPECT_EQ(Envelope(result)["code"], "DEADLINE_EXCEEDED");
}

TEST_F(GatewayHttpTest, AServiceErrorIsTheEnvelopeWithItsField) {
  auto result = client_->Get("/v1/me/eligibility?date=bad", {{"X-Test-Caller", "insured:123456782"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  nlohmann::json error = Envelope(result);
  EXPECT_EQ(error["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(error["field"], "date");
}

TEST_F(GatewayHttpTest, AnUnreachableServiceIs503) {
  auto result = client_->Get("/v1/me/claims", {{"X-Test-Caller", "insured:123456782"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(Envelope(result)["code"], "UNAVAILABLE");
}

TEST(BackendCallsTest, ATransportFailureReachesTheCallerWithoutItsAddress) {
  // Nothing listens on port 1: the channel's error names the address, which stays in the log.
  Backends backends;
  backends.claims = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  backends.deadline = absl::Seconds(2);
  BackendCalls calls(backends);
  const auto* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName("himaya.claims.v1.ClaimsService.GetClaim");
  ASSERT_NE(method, nullptr);
  claims::v1::GetClaimRequest request;
  claims::v1::Claim response;
  std::optional<ApiError> error = calls.Call(*method, request, &response, "req-1");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, absl::StatusCode::kUnavailable);
  EXPECT_EQ(error->message, "the service is unavailable; try again");
}

TEST_F(GatewayHttpTest, AccessIsCheckedBeforeAnythingIsCalled) {
  auto anonymous = client_->Get("/v1/me/eligibility");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(Envelope(anonymous)["code"], "UNAUTHENTICATED");
  auto forged = client_->Get("/v1/me/eligibility", {{"X-Test-Caller", "forged"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  // An agent is not an insured: no credential of the route's kind.
  auto agent = client_->Get("/v1/me/eligibility", {{"X-Test-Caller", "agent:amina:support"}});
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->status, 401);
  // An agent without the role.
  auto no_role = client_->Get("/v1/claim-reviews", {{"X-Test-Caller", "agent:amina:support"}});
  ASSERT_TRUE(no_role);
  EXPECT_EQ(no_role->status, 403);
  EXPECT_EQ(Envelope(no_role)["code"], "PERMISSION_DENIED");
}

TEST_F(GatewayHttpTest, ARateLimitedCallerIs429WithRetryAfter) {
  auto result = client_->Get("/v1/me/eligibility", {{"X-Test-Caller", "insured:limited"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 429);
  EXPECT_EQ(result->get_header_value("Retry-After"), "7");
  EXPECT_EQ(Envelope(result)["code"], "RESOURCE_EXHAUSTED");
}

TEST_F(GatewayHttpTest, APublicRouteThatIsNotAGetDrawsFromTheCredentialsBucket) {
  ASSERT_TRUE(client_->Post("/v1/accounts:resend-code", "{}", "application/json"));
  EXPECT_EQ(rate_limits_.last_class(), RateClass::kCredentials);
  ASSERT_TRUE(client_->Get("/ping"));
  EXPECT_EQ(rate_limits_.last_class(), RateClass::kOrdinary);
  ASSERT_TRUE(client_->Get("/v1/me/eligibility", {{"X-Test-Caller", "insured:123456782"}}));
  EXPECT_EQ(rate_limits_.last_class(), RateClass::kOrdinary);
}

TEST_F(GatewayHttpTest, AnAuditedReadNeedsAReasonAndARecord) {
  auto no_reason = client_->Get("/v1/persons/123456782/family", {{"X-Test-Caller", "agent:amina:support"}});
  ASSERT_TRUE(no_reason);
  EXPECT_EQ(no_reason->status, 400);
  EXPECT_EQ(Envelope(no_reason)["field"], "X-Himaya-Reason");
  auto unrecorded = client_->Get("/v1/persons/123456782/family",
                                 {{"X-Test-Caller", "agent:amina:support"}, {"X-Himaya-Reason", "call 4411"}});
  ASSERT_TRUE(unrecorded);
  EXPECT_EQ(unrecorded->status, 503);
  EXPECT_EQ(Envelope(unrecorded)["code"], "UNAVAILABLE");
}

TEST_F(GatewayHttpTest, ALocalMethodNotYetServedIs501) {
  auto result =
      client_->Post("/v1/sessions", R"({"registration_number": "123456782", "password": "x"})", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 501);
  EXPECT_EQ(Envelope(result)["code"], "UNIMPLEMENTED");
}

TEST_F(GatewayHttpTest, AStaleSessionCookieIsClearedAndDoesNotBarThePublicRoutes) {
  // The portal's page and a PUBLIC route still answer, as to anyone, and the browser is told to
  // forget the cookie.
  auto page = client_->Get("/ping", {{"Cookie", "__Host-himaya_session=stale"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Set-Cookie"),
            "__Host-himaya_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict");
  // A route for the insured is still 401, and the cookie is cleared there too.
  auto mine = client_->Get("/v1/me/eligibility", {{"Cookie", "__Host-himaya_session=stale"}});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 401);
  EXPECT_THAT(mine->get_header_value("Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_EQ(rate_limits_.last_class(), RateClass::kCredentials);
}

TEST_F(GatewayHttpTest, AChangeTheSessionCookieAuthenticatesIsRefusedFromAnotherOrigin) {
  const std::string cookie = std::string(kSessionCookie) + "=live";
  const std::string body = R"({"cin": "AB123456"})";
  auto foreign = client_->Post("/v1/me/family", {{"Cookie", cookie}, {"Origin", "https://evil.example"}}, body,
                               "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  nlohmann::json error = Envelope(foreign);
  EXPECT_EQ(error["code"], "PERMISSION_DENIED");
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("Origin"));
  auto null_origin = client_->Post("/v1/me/family", {{"Cookie", cookie}, {"Origin", "null"}}, body, "application/json");
  ASSERT_TRUE(null_origin);
  EXPECT_EQ(null_origin->status, 403);
  auto cross_site =
      client_->Delete("/v1/me/family/123456782-01", {{"Cookie", cookie}, {"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(cross_site);
  EXPECT_EQ(cross_site->status, 403);
  EXPECT_THAT(Envelope(cross_site)["message"].get<std::string>(), HasSubstr("Sec-Fetch-Site"));

  // The gateway's own origin, no Origin at all, a read, or a caller without the cookie go on.
  const std::string own = absl::StrCat("http://127.0.0.1:", server_->port());
  for (const httplib::Headers& headers :
       {httplib::Headers{{"Cookie", cookie}, {"Origin", own}, {"Sec-Fetch-Site", "same-origin"}},
        httplib::Headers{{"Cookie", cookie}},
        httplib::Headers{{"X-Test-Caller", "insured:123456782"}, {"Origin", "https://evil.example"}}}) {
    auto result = client_->Post("/v1/me/family", headers, body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_NE(result->status, 403) << result->body;
  }
  auto read = client_->Get("/v1/me/eligibility?date=2026-05-01",
                           {{"Cookie", cookie}, {"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
}

TEST_F(GatewayHttpTest, DeadCredentialsAreRateLimitedLikeLogins) {
  rate_limits_.LimitClient("ip:127.0.0.1");
  auto forged = client_->Get("/v1/me/eligibility", {{"X-Test-Caller", "forged"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 429);
  EXPECT_EQ(forged->get_header_value("Retry-After"), "5");
}

}  // namespace
}  // namespace himaya::gateway
