#include "gateway_routes_e2e.h"

#include <signal.h>

#include <regex>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "claims_e2e.h"
#include "gmock/gmock.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_sms.h"

namespace himaya::e2e {
namespace {

namespace reg = himaya::registration::v1;

// What the environment holds for the cases.
struct RoutesStack {
  testing::TempDir dir;
  std::unique_ptr<stack::LocalStack> stack;
  std::vector<PortalInsured> insured;
  std::string ivr_key;
  std::string fhir_key;
  std::string other_fhir_key;
  std::map<Route, std::set<int>> exercised;
  std::set<std::string> secrets;
  // One request id the gateway answered (its access log line holds it).
  std::string a_request_id;
};
RoutesStack* routes = nullptr;

class RoutesEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    // A body refused before it is read whole closes the connection under the client's write.
    signal(SIGPIPE, SIG_IGN);
    routes = new RoutesStack();
    stack::StackOptions options;
    options.data_dir = routes->dir.path() + "/stack";
    options.extra_flags["gateway"] = GatewayRoutesTest::GatewayFlags();
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    routes->stack = std::move(*started);
    const stack::LocalStack& stack = *routes->stack;
    auto insured = ActivatedInsured(stack, routes->dir.path(), kInsuredCount, 77, "fr");
    ASSERT_TRUE(insured.ok()) << insured.status();
    routes->insured = *insured;
    auto registration = reg::RegistrationService::NewStub(rpc::NewChannel(stack.endpoint("registration").grpc));
    for (const PortalInsured& one : routes->insured) {
      routes->secrets.insert({one.password, one.code});
      reg::GetPersonRequest which;
      which.set_registration_number(one.registration_number);
      auto person = rpc::Call(*registration, &reg::RegistrationService::Stub::GetPerson, which);
      ASSERT_TRUE(person.ok()) << person.status();
      routes->secrets.insert({person->cin(), person->phone()});
    }
    auto claims = cl::ClaimsService::NewStub(rpc::NewChannel(stack.endpoint("claims").grpc));
    auto tariff = ImportTestTariff(*claims);
    ASSERT_TRUE(tariff.ok()) << tariff.status();
    const std::string admin = routes->dir.path() + "/admin";
    for (const auto& [id, roles, password] : {std::tuple{"agent.salma", "support", kSupportPassword},
                                              std::tuple{"agent.omar", "supervisor", kSupervisorPassword},
                                              std::tuple{"agent.locked", "support", kLockedAgentPassword}}) {
      ASSERT_TRUE(AddAgent(stack, admin, id, roles, password).ok());
      routes->secrets.insert(password);
    }
    for (const auto& [client, scopes, key] :
         {std::tuple{"ivr", "ivr", &routes->ivr_key}, std::tuple{"clinic-atlas", "fhir", &routes->fhir_key},
          std::tuple{"clinic-rif", "fhir", &routes->other_fhir_key}}) {
      auto made = AddApiKey(stack, admin, client, scopes);
      ASSERT_TRUE(made.ok()) << made.status();
      *key = *made;
      routes->secrets.insert(made->substr(made->find('.') + 1));  // the secret after KEY_ID.
    }
  }

  void TearDown() override {
    if (routes == nullptr) return;
    if (routes->stack != nullptr) {
      ExpectEveryRouteExercised();
      routes->stack->Stop();
      ExpectNoSecretLogged();
    }
    delete routes;
    routes = nullptr;
  }

 private:
  // Each route of the OpenAPI document answered with a success and with an error (only when
  // every case ran: a filtered run exercises a part).
  static void ExpectEveryRouteExercised() {
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    if (unit.test_to_run_count() != unit.total_test_count()) return;
    GatewayClient client(GatewayAddress(*routes->stack));
    auto openapi = client.Get("/openapi.json");
    ASSERT_TRUE(openapi.ok() && openapi->status == 200) << (openapi.ok() ? openapi->body : openapi.status().ToString());
    nlohmann::json doc = openapi->Json();
    ASSERT_TRUE(doc.is_object() && doc["paths"].is_object()) << openapi->body.substr(0, 300);
    int routes_seen = 0;
    for (const auto& [path, operations] : doc["paths"].items()) {
      if (path == "/openapi.json") continue;  // read just above
      for (const auto& [method, operation] : operations.items()) {
        ++routes_seen;
        const Route route = absl::StrCat(absl::AsciiStrToUpper(method), " ", path);
        const std::set<int>& seen = routes->exercised[route];
        EXPECT_TRUE(absl::c_any_of(seen, [](int s) { return s >= 200 && s < 300; })) << route << ": no success";
        EXPECT_TRUE(absl::c_any_of(seen, [](int s) { return s >= 400; })) << route << ": no error";
      }
    }
    EXPECT_GE(routes_seen, 22) << "the document describes every declared route";
  }

  // The passwords, codes (those of every SMS sent too), tokens, keys' secrets, CINs and phones
  // are in no log of the stack. The search is shown to work on a request id a log line holds.
  static void ExpectNoSecretLogged() {
    const std::string data_dir = routes->stack->data_dir();
    for (const stack::SentSms& sms : stack::ReadSentSms(data_dir)) {
      routes->secrets.insert(sms.to);
      std::smatch code;
      if (std::regex_search(sms.text, code, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) routes->secrets.insert(code[0]);
    }
    EXPECT_GE(LogFileCount(data_dir), 5) << "every service's log is there";
    ASSERT_FALSE(routes->a_request_id.empty());
    EXPECT_THAT(LogsHolding(data_dir, routes->a_request_id), ::testing::Not(::testing::IsEmpty()))
        << "the search finds what the gateway's access log holds";
    for (const std::string& secret : routes->secrets) {
      if (secret.empty()) continue;
      EXPECT_THAT(LogsHolding(data_dir, secret), ::testing::IsEmpty()) << "a secret is logged";
    }
  }
};

const ::testing::Environment* const kRoutesEnvironment = ::testing::AddGlobalTestEnvironment(new RoutesEnvironment);

}  // namespace

void GatewayRoutesTest::SetUp() {
  ASSERT_TRUE(routes != nullptr && routes->stack != nullptr) << "the stack did not start";
}

stack::LocalStack& GatewayRoutesTest::Stack() { return *routes->stack; }
const std::string& GatewayRoutesTest::Dir() { return routes->dir.path(); }
const PortalInsured& GatewayRoutesTest::Insured(int i) { return routes->insured.at(i); }
const std::string& GatewayRoutesTest::IvrKey() { return routes->ivr_key; }
const std::string& GatewayRoutesTest::FhirKey() { return routes->fhir_key; }
const std::string& GatewayRoutesTest::OtherFhirKey() { return routes->other_fhir_key; }

std::unique_ptr<GatewayClient> GatewayRoutesTest::Client() {
  return std::make_unique<GatewayClient>(GatewayAddress(Stack()));
}

std::unique_ptr<GatewayClient> GatewayRoutesTest::InsuredClient(int i) {
  auto client = Client();
  GatewayAnswer in = Saw("POST /v1/sessions", LogIn(*client, Insured(i).registration_number, Insured(i).password));
  EXPECT_EQ(in.status, 201) << in.body;
  Secret(client->session());
  return client;
}

std::unique_ptr<GatewayClient> GatewayRoutesTest::AgentClient(const std::string& agent, const std::string& password) {
  auto client = Client();
  GatewayAnswer in =
      Saw("POST /v1/agent-sessions", client->Post("/v1/agent-sessions", {{"agent_id", agent}, {"password", password}}));
  EXPECT_EQ(in.status, 201) << in.body;
  Secret(client->session());
  return client;
}

GatewayAnswer GatewayRoutesTest::Saw(const Route& route, absl::StatusOr<GatewayAnswer> answer) {
  EXPECT_TRUE(answer.ok()) << route << ": " << answer.status();
  if (!answer.ok()) return {};
  routes->exercised[route].insert(answer->status);
  if (!answer->Header("x-request-id").empty()) routes->a_request_id = answer->Header("x-request-id");
  return *answer;
}

void GatewayRoutesTest::Secret(const std::string& secret) {
  if (!secret.empty()) routes->secrets.insert(secret);
}

std::vector<std::string> GatewayRoutesTest::GatewayFlags() {
  return {"--rate_client_per_second=1000", "--rate_client_burst=1000",           "--rate_account_per_second=1000",
          "--rate_account_burst=1000",     "--rate_credentials_per_second=1000", "--rate_credentials_burst=1000"};
}

void GatewayRoutesTest::RestartGateway(const std::vector<std::string>& flags) {
  Stack().StopService("gateway", SIGTERM);
  ASSERT_TRUE(Stack().StartService("gateway", &flags).ok());
}

void ExpectEnvelope(const GatewayAnswer& answer, int status, const std::string& code) {
  EXPECT_EQ(answer.status, status) << answer.body;
  EXPECT_EQ(answer.ErrorCode(), code) << answer.body;
  nlohmann::json json = answer.Json();
  if (json.is_object() && json["error"].is_object()) {
    EXPECT_TRUE(json["error"]["message"].is_string()) << answer.body;
    EXPECT_EQ(json["error"].value("request_id", ""), answer.Header("x-request-id")) << answer.body;
  }
}

}  // namespace himaya::e2e
