#include "gateway/src/route_table.h"

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"

namespace himaya::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

RouteTable RealTable(std::vector<HandRoute> hand = {}) {
  auto table = RouteTable::Build(GatewayServices(), std::move(hand));
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *std::move(table) : RouteTable();
}

HandRoute Hand(std::string method, std::string path, api::v1::Access access = api::v1::PUBLIC) {
  HandRoute route;
  route.method = std::move(method);
  route.path_template = std::move(path);
  route.access = access;
  route.handle = [](const HttpRequest&, const Caller&, const std::map<std::string, std::string>&, HttpResponse*) {};
  return route;
}

TEST(RouteTableTest, TheRealDeclarationsPassTheChecks) {
  RouteTable table = RealTable();
  std::vector<std::string> names;
  for (const Route& route : table.routes()) names.push_back(route.Name());
  EXPECT_THAT(names,
              ::testing::IsSupersetOf({"GET /v1/me", "POST /v1/accounts:activate", "POST /v1/sessions",
                                       "DELETE /v1/sessions/current", "GET /v1/me/eligibility",
                                       "POST /v1/claim-reviews/{claim_id}:decide", "GET /ivr/v1/registration-number"}));
}

TEST(RouteTableTest, ACustomVerbMatchesOnlyWithItsVerb) {
  RouteTable table = RealTable();
  RouteMatch m = table.Match("POST", "/v1/accounts:activate");
  ASSERT_EQ(m.outcome, RouteMatch::kMatched);
  EXPECT_EQ(m.route->grpc_method->name(), "ActivateAccount");
  EXPECT_EQ(table.Match("POST", "/v1/accounts").outcome, RouteMatch::kNoPath);
  EXPECT_EQ(table.Match("POST", "/v1/accounts:other").outcome, RouteMatch::kNoPath);
  m = table.Match("POST", "/v1/accounts:resend-code");
  ASSERT_EQ(m.outcome, RouteMatch::kMatched);
  EXPECT_EQ(m.route->grpc_method->name(), "ResendActivationCode");
}

TEST(RouteTableTest, AVariableBeforeAVerbIsBound) {
  RouteMatch m = RealTable().Match("POST", "/v1/claim-reviews/CLM-77:decide");
  ASSERT_EQ(m.outcome, RouteMatch::kMatched);
  EXPECT_EQ(m.route->grpc_method->name(), "DecideClaimReview");
  EXPECT_THAT(m.path_params, ElementsAre(std::pair<const std::string, std::string>("claim_id", "CLM-77")));
}

TEST(RouteTableTest, PathVariablesAreBound) {
  RouteMatch m = RealTable().Match("DELETE", "/v1/me/family/123456789-02");
  ASSERT_EQ(m.outcome, RouteMatch::kMatched);
  EXPECT_EQ(m.route->grpc_method->name(), "RemoveFamilyMember");
  EXPECT_EQ(m.path_params.at("beneficiary_id"), "123456789-02");
}

TEST(RouteTableTest, APathWithoutARouteIsNoPath) {
  RouteTable table = RealTable();
  EXPECT_EQ(table.Match("GET", "/v1/nothing").outcome, RouteMatch::kNoPath);
  EXPECT_EQ(table.Match("GET", "/v1/me/").outcome, RouteMatch::kNoPath);
  EXPECT_EQ(table.Match("GET", "/v1/me/family/x/y").outcome, RouteMatch::kNoPath);
  EXPECT_EQ(table.Match("GET", "").outcome, RouteMatch::kNoPath);
}

TEST(RouteTableTest, APathWithOtherMethodsIsWrongMethodWithWhatIsAllowed) {
  RouteTable table = RealTable();
  RouteMatch m = table.Match("PUT", "/v1/me/family");
  EXPECT_EQ(m.outcome, RouteMatch::kWrongMethod);
  EXPECT_THAT(m.allowed, ElementsAre("GET", "POST"));
  m = table.Match("GET", "/v1/claim-reviews/C1:decide");
  EXPECT_EQ(m.outcome, RouteMatch::kWrongMethod);
  EXPECT_THAT(m.allowed, ElementsAre("POST"));
}

TEST(RouteTableTest, LiteralSegmentsWinOverVariablesAndWildcards) {
  RouteTable table = RealTable({Hand("GET", "/x/{id}"), Hand("GET", "/x/special"), Hand("GET", "/*")});
  RouteMatch m = table.Match("GET", "/x/special");
  ASSERT_EQ(m.outcome, RouteMatch::kMatched);
  EXPECT_EQ(m.route->path.text(), "/x/special");
  m = table.Match("GET", "/x/other");
  EXPECT_EQ(m.route->path.text(), "/x/{id}");
  m = table.Match("GET", "/app/js/main.js");
  ASSERT_EQ(m.outcome, RouteMatch::kMatched);
  EXPECT_EQ(m.route->path.text(), "/*");
  EXPECT_EQ(m.path_params.at("*"), "app/js/main.js");
  // A catch-all GET makes no other method a 405.
  EXPECT_EQ(table.Match("POST", "/app/js/main.js").outcome, RouteMatch::kNoPath);
}

TEST(RouteTableTest, TheRootIsARoute) {
  RouteTable table = RealTable({Hand("GET", "/")});
  EXPECT_EQ(table.Match("GET", "/").outcome, RouteMatch::kMatched);
  EXPECT_EQ(table.Match("GET", "/x").outcome, RouteMatch::kNoPath);
}

TEST(PathTemplateTest, MalformedTemplatesAreRefused) {
  for (const char* bad : {"v1/x", "/v1//x", "/v1/{x", "/v1/x}", "/v1/*/x", "/v1/{a}/{a}", "/v1/{1a}",
                          "/v1/x:", "/v1/a{b}", "/v1/*:verb"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
  EXPECT_TRUE(PathTemplate::Parse("/v1/{a}/b/{c}:go").ok());
}

TEST(PathTemplateTest, ShapeIgnoresVariableNames) {
  EXPECT_EQ(PathTemplate::Parse("/v1/{a}/b:go")->Shape(), PathTemplate::Parse("/v1/{z}/b:go")->Shape());
  EXPECT_NE(PathTemplate::Parse("/v1/{a}/b")->Shape(), PathTemplate::Parse("/v1/{a}/c")->Shape());
}

TEST(RouteTableTest, HandRoutesAreChecked) {
  EXPECT_FALSE(RouteTable::Build({}, {Hand("PATCH", "/x")}).ok());
  EXPECT_FALSE(RouteTable::Build({}, {Hand("GET", "x")}).ok());
  EXPECT_FALSE(RouteTable::Build({}, {Hand("GET", "/x", api::v1::ACCESS_UNSPECIFIED)}).ok());
  EXPECT_FALSE(RouteTable::Build({}, {Hand("GET", "/x", api::v1::AGENT)}).ok());
  HandRoute no_handler = Hand("GET", "/x");
  no_handler.handle = nullptr;
  EXPECT_FALSE(RouteTable::Build({}, {no_handler}).ok());
}

TEST(RouteTableTest, ARouteDeclaredTwiceIsRefused) {
  auto table = RouteTable::Build(GatewayServices(), {Hand("GET", "/v1/me")});
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.status().message(), HasSubstr("declared twice"));
  table = RouteTable::Build({}, {Hand("GET", "/x/{a}"), Hand("GET", "/x/{b}")});
  EXPECT_FALSE(table.ok());
}

// A service of a test file, in a pool of its own, whose one method carries `rule`.
class DeclarationTest : public ::testing::Test {
 protected:
  absl::Status Check(const api::v1::HttpRule& rule) {
    google::protobuf::FileDescriptorProto file;
    file.set_name("declaration_test.proto");
    file.set_package("test");
    file.set_syntax("proto3");
    auto* request = file.add_message_type();
    request->set_name("Req");
    AddField(request, "registration_number", 1, google::protobuf::FieldDescriptorProto::TYPE_STRING);
    AddField(request, "count", 2, google::protobuf::FieldDescriptorProto::TYPE_INT32);
    AddField(request, "id", 3, google::protobuf::FieldDescriptorProto::TYPE_STRING);
    auto* response = file.add_message_type();
    response->set_name("Resp");
    AddField(response, "registration_number", 1, google::protobuf::FieldDescriptorProto::TYPE_STRING);
    AddField(response, "pdf", 2, google::protobuf::FieldDescriptorProto::TYPE_BYTES);
    AddField(response, "size", 3, google::protobuf::FieldDescriptorProto::TYPE_INT64);
    auto* service = file.add_service();
    service->set_name("TestService");
    auto* method = service->add_method();
    method->set_name("Do");
    method->set_input_type(".test.Req");
    method->set_output_type(".test.Resp");
    *method->mutable_options()->AddExtension(api::v1::http) = rule;
    // A pool per check: the file is built again with each rule.
    pools_.push_back(std::make_unique<google::protobuf::DescriptorPool>());
    const google::protobuf::FileDescriptor* built = pools_.back()->BuildFile(file);
    if (built == nullptr) return absl::InternalError("test file does not build");
    return RouteTable::Build({built->service(0)}, {}).status();
  }

  static void AddField(google::protobuf::DescriptorProto* message, const std::string& name, int number,
                       google::protobuf::FieldDescriptorProto::Type type) {
    auto* f = message->add_field();
    f->set_name(name);
    f->set_number(number);
    f->set_type(type);
    f->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
  }

  static api::v1::HttpRule Rule(const std::string& get, api::v1::Access access) {
    api::v1::HttpRule rule;
    rule.set_get(get);
    rule.set_access(access);
    return rule;
  }

  std::vector<std::unique_ptr<google::protobuf::DescriptorPool>> pools_;
};

TEST_F(DeclarationTest, AGoodDeclarationPasses) {
  api::v1::HttpRule rule = Rule("/v1/things/{id}", api::v1::INSURED);
  rule.set_principal_field("registration_number");
  rule.set_owner_field("registration_number");
  EXPECT_TRUE(Check(rule).ok()) << Check(rule);
}

TEST_F(DeclarationTest, APathVariableNamingNoFieldIsRefused) {
  absl::Status s = Check(Rule("/v1/things/{thing}", api::v1::PUBLIC));
  EXPECT_THAT(s.message(), HasSubstr("path variable {thing} names no field"));
}

TEST_F(DeclarationTest, APrincipalThatIsNotAStringFieldIsRefused) {
  api::v1::HttpRule rule = Rule("/v1/things", api::v1::INSURED);
  rule.set_principal_field("count");
  EXPECT_THAT(Check(rule).message(), HasSubstr("principal_field \"count\" is not a string field"));
  rule.set_principal_field("nobody");
  EXPECT_THAT(Check(rule).message(), HasSubstr("principal_field \"nobody\""));
  rule.set_principal_field("registration_number");
  rule.set_access(api::v1::PUBLIC);
  EXPECT_THAT(Check(rule).message(), HasSubstr("not INSURED"));
}

TEST_F(DeclarationTest, FixedHiddenOwnerAndBodyFieldsMustExist) {
  api::v1::HttpRule rule = Rule("/v1/things", api::v1::PUBLIC);
  auto* fixed = rule.add_fixed();
  fixed->set_field("channel");
  fixed->set_value("PORTAL");
  EXPECT_THAT(Check(rule).message(), HasSubstr("fixed field \"channel\""));
  rule = Rule("/v1/things", api::v1::PUBLIC);
  rule.add_hidden_fields("secret");
  EXPECT_THAT(Check(rule).message(), HasSubstr("hidden field \"secret\""));
  rule = Rule("/v1/things", api::v1::INSURED);
  rule.set_owner_field("size");
  EXPECT_THAT(Check(rule).message(), HasSubstr("owner_field \"size\""));
  rule = Rule("/v1/things", api::v1::PUBLIC);
  rule.set_response_body("size");
  rule.set_response_content_type("application/pdf");
  EXPECT_THAT(Check(rule).message(), HasSubstr("response_body \"size\" is not a bytes field"));
  rule.set_response_body("pdf");
  rule.clear_response_content_type();
  EXPECT_THAT(Check(rule).message(), HasSubstr("without response_content_type"));
}

TEST_F(DeclarationTest, AccessRolesBodyAndAuditAreChecked) {
  EXPECT_THAT(Check(Rule("/v1/things", api::v1::ACCESS_UNSPECIFIED)).message(), HasSubstr("no access"));
  EXPECT_THAT(Check(Rule("/v1/things", api::v1::AGENT)).message(), HasSubstr("roles"));
  EXPECT_THAT(Check(Rule("/v1/things", api::v1::API_KEY)).message(), HasSubstr("roles"));
  api::v1::HttpRule rule = Rule("/v1/things", api::v1::PUBLIC);
  rule.set_body("*");
  EXPECT_THAT(Check(rule).message(), HasSubstr("takes no body"));
  rule = Rule("/v1/things", api::v1::PUBLIC);
  rule.set_audited(true);
  rule.set_audit_subject_field("registration_number");
  EXPECT_THAT(Check(rule).message(), HasSubstr("audited on a route that is not AGENT"));
  rule.set_access(api::v1::AGENT);
  rule.add_roles("support");
  rule.set_audit_subject_field("count");
  EXPECT_THAT(Check(rule).message(), HasSubstr("audit_subject_field \"count\""));
  rule = Rule("/v1/things/{registration_number}", api::v1::INSURED);
  rule.set_principal_field("registration_number");
  EXPECT_THAT(Check(rule).message(), HasSubstr("both in the path and set"));
}

TEST_F(DeclarationTest, AnAuditedRouteNamesOneSubjectInTheRequestOrInTheAnswer) {
  api::v1::HttpRule rule = Rule("/v1/things", api::v1::AGENT);
  rule.add_roles("supervisor");
  rule.set_audited(true);
  EXPECT_THAT(Check(rule).message(), HasSubstr("exactly one of"));
  rule.set_audit_answer_subject_field("registration_number");
  EXPECT_TRUE(Check(rule).ok()) << Check(rule);
  rule.set_audit_subject_field("registration_number");
  EXPECT_THAT(Check(rule).message(), HasSubstr("exactly one of"));
  rule.clear_audit_subject_field();
  rule.set_audit_answer_subject_field("size");
  EXPECT_THAT(Check(rule).message(), HasSubstr("audit_answer_subject_field \"size\""));
  rule.set_audit_answer_subject_field("registration_number.x");
  EXPECT_THAT(Check(rule).message(), HasSubstr("audit_answer_subject_field \"registration_number.x\""));
  rule.set_audit_answer_subject_field("nobody");
  EXPECT_THAT(Check(rule).message(), HasSubstr("audit_answer_subject_field \"nobody\""));
  rule.set_audited(false);
  rule.set_audit_answer_subject_field("registration_number");
  EXPECT_THAT(Check(rule).message(), HasSubstr("not audited"));
}

TEST(RouteTableTest, AgentsReadingClaimReviewsAreAudited) {
  auto table = RouteTable::Build(GatewayServices(), {});
  ASSERT_TRUE(table.ok()) << table.status();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/claim-reviews"}, {"POST", "/v1/claim-reviews/C1:decide"}}) {
    RouteMatch match = table->Match(method, path);
    ASSERT_NE(match.route, nullptr) << path;
    EXPECT_TRUE(match.route->rule.audited()) << path;
    EXPECT_THAT(match.route->rule.audit_answer_subject_field(), ::testing::EndsWith("registration_number")) << path;
  }
}

}  // namespace
}  // namespace himaya::gateway
