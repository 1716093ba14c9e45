#include "gateway/src/transcoder.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.pb.h"
#include "himaya/claims/v1/claims.pb.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;

class TranscoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto table = RouteTable::Build(GatewayServices(), {});
    ASSERT_TRUE(table.ok()) << table.status();
    table_ = *std::move(table);
    insured_.kind = CallerKind::kInsured;
    insured_.subject = "123456782";
    agent_.kind = CallerKind::kAgent;
    agent_.subject = "amina";
  }

  const Route& RouteNamed(const std::string& method, const std::string& path) {
    for (const Route& r : table_.routes()) {
      if (r.method == method && r.path.text() == path) return r;
    }
    ADD_FAILURE() << "no route " << method << " " << path;
    return table_.routes().front();
  }

  static HttpRequest Json(std::string body) {
    HttpRequest request;
    request.method = "POST";
    request.headers["content-type"] = "application/json; charset=utf-8";
    request.body = std::move(body);
    return request;
  }

  // The refusal's field and status, or "accepted".
  static std::string Outcome(const std::optional<HttpError>& refused) {
    if (!refused) return "accepted";
    return absl::StrCat(HttpStatusOf(refused->error.code), "/", refused->http_status, " field=", refused->error.field);
  }

  RouteTable table_;
  Caller insured_;
  Caller agent_;
};

TEST_F(TranscoderTest, ABodyBecomesTheRequestWithThePrincipalAndFixedFields) {
  claims::v1::SubmitClaimRequest request;
  auto refused = BuildRequest(RouteNamed("POST", "/v1/me/claims"), Json(R"({"idempotencyKey": "k1",
               "items": [{"item": 1, "act_code": "C", "quantity": 2, "amount_paid_centimes": "15000"}]})"),
                              {}, insured_, &request);
  ASSERT_EQ(Outcome(refused), "accepted") << refused->error.message;
  EXPECT_EQ(request.registration_number(), "123456782");
  EXPECT_EQ(request.channel(), "PORTAL");
  EXPECT_EQ(request.filed_date(), "");
  EXPECT_EQ(request.idempotency_key(), "k1");
  ASSERT_EQ(request.items_size(), 1);
  EXPECT_EQ(request.items(0).quantity(), 2);
  EXPECT_EQ(request.items(0).amount_paid_centimes(), 15000);
}

TEST_F(TranscoderTest, ABodyThatIsNotJsonIs415) {
  claims::v1::SubmitClaimRequest request;
  HttpRequest http = Json(R"({"idempotency_key": "k1"})");
  http.headers["content-type"] = "text/plain";
  auto refused = BuildRequest(RouteNamed("POST", "/v1/me/claims"), http, {}, insured_, &request);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->http_status, 415);
  http.headers.erase("content-type");
  EXPECT_EQ(BuildRequest(RouteNamed("POST", "/v1/me/claims"), http, {}, insured_, &request)->http_status, 415);
}

TEST_F(TranscoderTest, MalformedJsonIs400WithoutAField) {
  for (const char* body : {"{", "[1]", "\"text\"", "{\"idempotency_key\": }"}) {
    claims::v1::SubmitClaimRequest request;
    auto refused = BuildRequest(RouteNamed("POST", "/v1/me/claims"), Json(body), {}, insured_, &request);
    ASSERT_TRUE(refused) << body;
    EXPECT_EQ(refused->error.code, absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(refused->error.field, "") << body;
  }
}

TEST_F(TranscoderTest, AnUnknownFieldIsNamedAtAnyDepth) {
  claims::v1::SubmitClaimRequest request;
  const Route& route = RouteNamed("POST", "/v1/me/claims");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"colour": "red"})"), {}, insured_, &request)), "400/0 field=colour");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"items": [{"item": 1}, {"act": "C"}]})"), {}, insured_, &request)),
            "400/0 field=items[1].act");
}

TEST_F(TranscoderTest, AKeyGivenTwiceIsRefusedByName) {
  const Route& route = RouteNamed("POST", "/v1/me/claims");
  claims::v1::SubmitClaimRequest request;
  auto twice =
      BuildRequest(route, Json(R"({"idempotency_key": "k1", "idempotency_key": "k2"})"), {}, insured_, &request);
  EXPECT_EQ(Outcome(twice), "400/0 field=idempotency_key");
  EXPECT_EQ(twice->error.message, "idempotency_key: given twice");
  auto nested = BuildRequest(route, Json(R"({"items": [{"item": 1, "act_code": "C", "quantity": 1, "quantity": 9}]})"),
                             {}, insured_, &request);
  EXPECT_EQ(Outcome(nested), "400/0 field=quantity");
  auto lists = BuildRequest(route, Json(R"({"items": [{"item": 1}], "items": [{"item": 2}]})"), {}, insured_, &request);
  EXPECT_EQ(Outcome(lists), "400/0 field=items") << "protobuf would have joined the two lists";
  // The same key in two objects is no repetition.
  auto two_items = BuildRequest(route, Json(R"({"idempotency_key": "k", "items": [{"item": 1, "act_code": "C",
               "quantity": 1, "amount_paid_centimes": 5}, {"item": 2, "act_code": "C", "quantity": 1,
               "amount_paid_centimes": 5}]})"),
                                {}, insured_, &request);
  EXPECT_EQ(Outcome(two_items), "accepted") << two_items->error.message;
}

TEST_F(TranscoderTest, FieldsTheGatewaySetsAreRefusedByName) {
  const Route& route = RouteNamed("POST", "/v1/me/claims");
  claims::v1::SubmitClaimRequest request;
  auto principal = BuildRequest(route, Json(R"({"registration_number": "999999999"})"), {}, insured_, &request);
  EXPECT_EQ(Outcome(principal), "400/0 field=registration_number");
  EXPECT_THAT(principal->error.message, HasSubstr("set by the gateway"));
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"channel": "AGENT:x"})"), {}, insured_, &request)),
            "400/0 field=channel");
  // A hidden field is unknown to the caller.
  auto hidden = BuildRequest(route, Json(R"({"claim_id": "C-1"})"), {}, insured_, &request);
  EXPECT_EQ(Outcome(hidden), "400/0 field=claim_id");
  EXPECT_THAT(hidden->error.message, HasSubstr("unknown field"));
  // The filing day is the day received: the portal cannot backdate a claim past its deadline.
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"filed_date": "2020-01-01"})"), {}, insured_, &request)),
            "400/0 field=filed_date");
  // By its JSON name too.
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"registrationNumber": "1"})"), {}, insured_, &request)),
            "400/0 field=registrationNumber");
}

TEST_F(TranscoderTest, AValueOfTheWrongTypeIsNamed) {
  const Route& route = RouteNamed("POST", "/v1/me/claims");
  claims::v1::SubmitClaimRequest request;
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"idempotency_key": 20260301})"), {}, insured_, &request)),
            "400/0 field=idempotency_key");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"items": {"item": 1}})"), {}, insured_, &request)),
            "400/0 field=items");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"items": [{"quantity": "two"}]})"), {}, insured_, &request)),
            "400/0 field=items[0].quantity");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"items": [{"quantity": true}]})"), {}, insured_, &request)),
            "400/0 field=items[0].quantity");
  beneficiary::v1::DeclareFamilyMemberRequest declare;
  const Route& family = RouteNamed("POST", "/v1/me/family");
  EXPECT_EQ(Outcome(BuildRequest(family, Json(R"({"relationship": "COUSIN"})"), {}, insured_, &declare)),
            "400/0 field=relationship");
  EXPECT_EQ(Outcome(BuildRequest(family, Json(R"({"disabled": "yes"})"), {}, insured_, &declare)),
            "400/0 field=disabled");
  EXPECT_EQ(Outcome(BuildRequest(family, Json(R"({"relationship": "RELATIONSHIP_CHILD", "disabled": true})"), {},
                                 insured_, &declare)),
            "accepted");
  EXPECT_EQ(declare.relationship(), beneficiary::v1::RELATIONSHIP_CHILD);
  EXPECT_EQ(declare.declared_by(), "PORTAL");
}

TEST_F(TranscoderTest, AnIntegerOutOfRangeIsRefused) {
  claims::v1::SubmitClaimRequest request;
  auto refused = BuildRequest(RouteNamed("POST", "/v1/me/claims"), Json(R"({"items": [{"quantity": 99999999999}]})"),
                              {}, insured_, &request);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error.code, absl::StatusCode::kInvalidArgument);
}

TEST_F(TranscoderTest, QueryParametersFillScalarFields) {
  beneficiary::v1::EligibilityQuestion question;
  HttpRequest http;
  http.query = {{"date", "2026-05-01"}};
  ASSERT_EQ(Outcome(BuildRequest(RouteNamed("GET", "/v1/me/eligibility"), http, {}, insured_, &question)), "accepted");
  EXPECT_EQ(question.date(), "2026-05-01");
  EXPECT_EQ(question.beneficiary_id(), "123456782");
  claims::v1::ListClaimsRequest list;
  http.query = {{"page_size", "20"}, {"page_token", "abc"}};
  ASSERT_EQ(Outcome(BuildRequest(RouteNamed("GET", "/v1/me/claims"), http, {}, insured_, &list)), "accepted");
  EXPECT_EQ(list.page_size(), 20);
  EXPECT_EQ(list.page_token(), "abc");
}

TEST_F(TranscoderTest, BadQueryParametersAreNamed) {
  const Route& route = RouteNamed("GET", "/v1/me/claims");
  claims::v1::ListClaimsRequest list;
  HttpRequest http;
  http.query = {{"colour", "red"}};
  EXPECT_EQ(Outcome(BuildRequest(route, http, {}, insured_, &list)), "400/0 field=colour");
  http.query = {{"page_size", "many"}};
  EXPECT_EQ(Outcome(BuildRequest(route, http, {}, insured_, &list)), "400/0 field=page_size");
  http.query = {{"page_size", "1"}, {"page_size", "2"}};
  EXPECT_EQ(Outcome(BuildRequest(route, http, {}, insured_, &list)), "400/0 field=page_size");
  http.query = {{"registration_number", "999999999"}};
  EXPECT_EQ(Outcome(BuildRequest(route, http, {}, insured_, &list)), "400/0 field=registration_number");
  http.query = {};
  http.body = "{}";
  EXPECT_EQ(Outcome(BuildRequest(route, http, {}, insured_, &list)), "400/0 field=");
  // A body route takes no query.
  claims::v1::SubmitClaimRequest submit;
  HttpRequest with_query = Json("{}");
  with_query.query = {{"idempotency_key", "k1"}};
  EXPECT_EQ(Outcome(BuildRequest(RouteNamed("POST", "/v1/me/claims"), with_query, {}, insured_, &submit)),
            "400/0 field=idempotency_key");
}

TEST_F(TranscoderTest, PathVariablesFillTheirFieldsAndCannotBeGivenAgain) {
  const Route& route = RouteNamed("POST", "/v1/claim-reviews/{claim_id}:decide");
  claims::v1::DecideClaimReviewRequest decide;
  ASSERT_EQ(Outcome(BuildRequest(route, Json(R"({"decision": "REJECT", "reason": "FORGED_DOCUMENT"})"),
                                 {{"claim_id", "CLM-1"}}, agent_, &decide)),
            "accepted");
  EXPECT_EQ(decide.claim_id(), "CLM-1");
  EXPECT_EQ(decide.decision(), claims::v1::DecideClaimReviewRequest::REJECT);
  EXPECT_EQ(decide.agent(), "amina");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"claim_id": "CLM-2"})"), {{"claim_id", "CLM-1"}}, agent_, &decide)),
            "400/0 field=claim_id");
  EXPECT_EQ(Outcome(BuildRequest(route, Json(R"({"agent": "someone"})"), {{"claim_id", "CLM-1"}}, agent_, &decide)),
            "400/0 field=agent");
}

TEST_F(TranscoderTest, FixedValuesNameTheCaller) {
  EXPECT_EQ(FixedValue("AGENT:{agent}", agent_), "AGENT:amina");
  EXPECT_EQ(FixedValue("{principal}", insured_), "123456782");
  EXPECT_EQ(FixedValue("{agent}", insured_), "");
  Caller client;
  client.kind = CallerKind::kApiClient;
  client.subject = "ivr";
  EXPECT_EQ(FixedValue("{client}", client), "ivr");
}

TEST_F(TranscoderTest, AnswersAreJsonWithProtoNamesAndDefaultsPrinted) {
  beneficiary::v1::EligibilityAnswer answer;
  answer.set_beneficiary_id("123456782");
  answer.set_relationship(beneficiary::v1::RELATIONSHIP_INSURED);
  HttpResponse http;
  ASSERT_FALSE(WriteAnswer(RouteNamed("GET", "/v1/me/eligibility"), insured_, answer, &http));
  EXPECT_EQ(http.status, 200);
  EXPECT_EQ(http.content_type, "application/json");
  EXPECT_THAT(http.body, HasSubstr(R"("beneficiary_id":"123456782")"));
  EXPECT_THAT(http.body, HasSubstr(R"("covered":false)"));
  EXPECT_THAT(http.body, HasSubstr(R"("relationship":"RELATIONSHIP_INSURED")"));
}

TEST_F(TranscoderTest, TheSuccessStatusIsTheRoutes) {
  claims::v1::Claim claim;
  HttpResponse http;
  ASSERT_FALSE(WriteAnswer(RouteNamed("POST", "/v1/me/claims"), insured_, claim, &http));
  EXPECT_EQ(http.status, 201);
}

TEST_F(TranscoderTest, AnotherInsuredsResourceIsNotFoundLikeAMissingOne) {
  const Route& route = RouteNamed("GET", "/v1/me/claims/{claim_id}");
  claims::v1::Claim claim;
  claim.set_claim_id("CLM-1");
  claim.set_registration_number("999999999");
  HttpResponse http;
  auto refused = WriteAnswer(route, insured_, claim, &http);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error.code, absl::StatusCode::kNotFound);
  EXPECT_EQ(refused->error.message, kNotFoundMessage);
  EXPECT_TRUE(http.body.empty());
  claim.set_registration_number("123456782");
  EXPECT_FALSE(WriteAnswer(route, insured_, claim, &http));
  EXPECT_THAT(http.body, HasSubstr("CLM-1"));
}

TEST_F(TranscoderTest, AResponseBodyIsSentRaw) {
  beneficiary::v1::Attestation attestation;
  attestation.set_pdf("%PDF-1.7 bytes");
  attestation.set_registration_number("123456782");
  HttpResponse http;
  ASSERT_FALSE(WriteAnswer(RouteNamed("GET", "/v1/me/attestation.pdf"), insured_, attestation, &http));
  EXPECT_EQ(http.content_type, "application/pdf");
  EXPECT_EQ(http.body, "%PDF-1.7 bytes");
}

}  // namespace
}  // namespace himaya::gateway
