// The OpenAPI document against what the gateway serves: every route described and nothing
// else, each request schema holding exactly the fields the transcoder accepts, and the proto3
// JSON mapping of the schemas.
#include "gateway/src/openapi.h"

#include <set>

#include "absl/strings/ascii.h"
#include "gateway/src/anonymous_parts.h"
#include "gateway/src/gateway.h"
#include "gateway/src/transcoder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.pb.h"
#include "himaya/claims/v1/claims.pb.h"
#include "himaya/registration/v1/registration.pb.h"

namespace himaya::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using nlohmann::json;

HandRoute Hand(std::string method, std::string path, bool in_openapi = true) {
  HandRoute route;
  route.method = std::move(method);
  route.path_template = std::move(path);
  route.summary = "a hand route";
  route.in_openapi = in_openapi;
  route.handle = [](const HttpRequest&, const Caller&, const std::map<std::string, std::string>&, HttpResponse*) {};
  return route;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayParts parts;
    parts.authenticator = &authenticator_;
    parts.rate_limits = &rate_limits_;
    parts.access_audit = &audit_;
    parts.hand_routes = {Hand("GET", "/fhir/r4/ClaimResponse/{id}"), Hand("GET", "/", false), Hand("GET", "/portal/*")};
    auto gateway = Gateway::Create(std::move(parts));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    // The document as served.
    HttpRequest request;
    request.method = "GET";
    request.path = "/openapi.json";
    HttpResponse response;
    gateway_->Handle(request, &response);
    ASSERT_EQ(response.status, 200);
    ASSERT_EQ(response.content_type, "application/json");
    document_ = json::parse(response.body);
  }

  const json& Operation(const Route& route) {
    return document_["paths"][route.path.text()][absl::AsciiStrToLower(route.method)];
  }

  // A JSON value of a field's type (a body), and its text (a query parameter).
  static json Sample(const FieldDescriptor* f) {
    json value;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        value = f->type() == FieldDescriptor::TYPE_BYTES ? "eA==" : "x";
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        value = true;
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        value = f->enum_type()->value(0)->name();
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        value = json::object();
        break;
      default:
        value = 1;
    }
    if (f->is_repeated() && !f->is_map()) return json::array({value});
    return value;
  }
  static std::string SampleText(const FieldDescriptor* f) {
    json value = Sample(f);
    if (value.is_array()) value = value[0];
    return value.is_string() ? value.get<std::string>() : value.dump();
  }

  static Caller CallerFor(const Route& route) {
    Caller caller;
    caller.subject = "123456782";
    caller.kind = route.access == api::v1::INSURED   ? CallerKind::kInsured
                  : route.access == api::v1::AGENT   ? CallerKind::kAgent
                  : route.access == api::v1::API_KEY ? CallerKind::kApiClient
                                                     : CallerKind::kAnonymous;
    return caller;
  }

  AnonymousAuthenticator authenticator_;
  UnlimitedRateLimits rate_limits_;
  NoAccessAudit audit_;
  std::unique_ptr<Gateway> gateway_;
  json document_;
};

TEST_F(OpenApiTest, EveryServedRouteIsDescribedAndNothingElse) {
  std::set<std::string> served;
  for (const Route& route : gateway_->routes().routes()) {
    if (!InOpenApi(route)) continue;
    served.insert(route.Name());
    EXPECT_TRUE(Operation(route).is_object()) << route.Name() << " is not described";
  }
  std::set<std::string> described;
  for (const auto& [path, operations] : document_["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      described.insert(absl::AsciiStrToUpper(method) + " " + path);
    }
  }
  EXPECT_EQ(described, served);
  EXPECT_TRUE(described.count("GET /openapi.json"));
  EXPECT_TRUE(described.count("GET /fhir/r4/ClaimResponse/{id}"));
  EXPECT_FALSE(described.count("GET /"));
  EXPECT_FALSE(described.count("GET /portal/*"));
}

TEST_F(OpenApiTest, EachRequestSchemaHoldsExactlyTheFieldsTheTranscoderAccepts) {
  int checked = 0;
  for (const Route& route : gateway_->routes().routes()) {
    if (route.grpc_method == nullptr) continue;
    const json& operation = Operation(route);
    std::set<std::string> documented;
    if (route.rule.body() == "*") {
      for (const auto& [name, schema] :
           operation["requestBody"]["content"]["application/json"]["schema"]["properties"].items()) {
        documented.insert(name);
      }
    } else {
      for (const json& parameter : operation.value("parameters", json::array())) {
        if (parameter["in"] == "query") documented.insert(parameter["name"].get<std::string>());
      }
    }
    std::map<std::string, std::string> path_params;
    for (const std::string& variable : route.path.Variables()) path_params[variable] = "1";
    const google::protobuf::Descriptor* type = route.grpc_method->input_type();
    google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* f = type->field(i);
      HttpRequest request;
      if (route.rule.body() == "*") {
        request.headers["content-type"] = "application/json";
        request.body = json{{f->name(), Sample(f)}}.dump();
      } else {
        request.query = {{f->name(), SampleText(f)}};
      }
      std::unique_ptr<google::protobuf::Message> message(factory->GetPrototype(type)->New());
      std::optional<HttpError> refused = BuildRequest(route, request, path_params, CallerFor(route), message.get());
      const bool in_schema = documented.count(f->name()) > 0;
      if (in_schema) {
        EXPECT_FALSE(refused) << route.Name() << ": " << f->name()
                              << " is documented but refused: " << refused->error.message;
      } else {
        ASSERT_TRUE(refused) << route.Name() << ": " << f->name() << " is accepted but not documented";
        EXPECT_EQ(refused->error.field, f->name()) << route.Name();
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 40);
}

TEST_F(OpenApiTest, PathParametersAndTheReasonHeaderAreDescribed) {
  const json& decide = document_["paths"]["/v1/claim-reviews/{claim_id}:decide"]["post"];
  ASSERT_TRUE(decide.is_object());
  EXPECT_EQ(decide["parameters"][0], json::parse(R"({"name": "claim_id", "in": "path", "required": true,
                                                     "schema": {"type": "string"}})"));
  const json& audited = document_["paths"]["/v1/persons/{registration_number}"]["get"];
  bool has_reason = false;
  for (const json& p : audited["parameters"]) has_reason |= p["name"] == "X-Himaya-Reason" && p["in"] == "header";
  EXPECT_TRUE(has_reason);
}

TEST_F(OpenApiTest, AccessIsASecurityRequirement) {
  EXPECT_EQ(document_["paths"]["/v1/me"]["get"]["security"], json::parse(R"([{"session": []}])"));
  EXPECT_EQ(document_["paths"]["/ivr/v1/registration-number"]["get"]["security"], json::parse(R"([{"apiKey": []}])"));
  EXPECT_FALSE(document_["paths"]["/v1/sessions"]["post"].contains("security"));
  EXPECT_EQ(document_["components"]["securitySchemes"]["session"]["in"], "cookie");
  EXPECT_EQ(document_["components"]["securitySchemes"]["session"]["name"], kSessionCookie);
  EXPECT_EQ(document_["paths"]["/v1/claim-reviews"]["get"]["x-himaya-roles"], json::parse(R"(["supervisor"])"));
}

TEST_F(OpenApiTest, AnswersAreTheResponseMessageTheSuccessStatusAndTheEnvelope) {
  const json& submit = document_["paths"]["/v1/me/claims"]["post"]["responses"];
  EXPECT_EQ(submit["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/himaya.claims.v1.Claim");
  EXPECT_EQ(submit["default"]["$ref"], "#/components/responses/Error");
  const json& pdf = document_["paths"]["/v1/me/attestation.pdf"]["get"]["responses"]["200"]["content"];
  EXPECT_EQ(pdf["application/pdf"]["schema"], json::parse(R"({"type": "string", "format": "binary"})"));
  EXPECT_EQ(document_["components"]["schemas"]["Error"]["properties"]["error"]["required"],
            json::parse(R"(["code", "message", "request_id"])"));
}

TEST_F(OpenApiTest, SchemasFollowTheProto3JsonMapping) {
  json& schemas = document_["components"]["schemas"];
  json& claim = schemas["himaya.claims.v1.Claim"]["properties"];
  EXPECT_EQ(claim["claimed_centimes"]["type"], "string");
  EXPECT_EQ(claim["claimed_centimes"]["format"], "int64");
  EXPECT_EQ(claim["received_at"], json::parse(R"({"type": "string", "format": "date-time"})"));
  EXPECT_EQ(claim["items"]["type"], "array");
  EXPECT_EQ(claim["items"]["items"]["$ref"], "#/components/schemas/himaya.claims.v1.ClaimItem");
  EXPECT_EQ(schemas["himaya.claims.v1.ClaimItem"]["properties"]["quantity"]["format"], "int32");
  json more = json::object();
  EXPECT_EQ(FieldSchema(beneficiary::v1::Attestation::descriptor()->FindFieldByName("pdf"), &more)["format"], "byte");
  json& relationship = schemas["himaya.beneficiary.v1.Beneficiary"]["properties"]["relationship"];
  EXPECT_EQ(relationship["type"], "string");
  EXPECT_THAT(relationship["enum"], ::testing::Contains("RELATIONSHIP_CHILD"));
  const json outcomes = FieldSchema(registration::v1::BatchStatus::descriptor()->FindFieldByName("outcomes"), &more);
  EXPECT_EQ(outcomes["type"], "object");
  EXPECT_EQ(outcomes["additionalProperties"]["format"], "int64");
  EXPECT_EQ(document_["openapi"], "3.0.3");
}

}  // namespace
}  // namespace himaya::gateway
