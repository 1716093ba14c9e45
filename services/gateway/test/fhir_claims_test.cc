// Claim -> SubmitClaimRequest (every element, every bad input named) and Claim ->
// ClaimResponse (R4's required elements; queued, complete, partial, paid; reasons), and the
// claims service's refusals named as the Claim's elements.
#include "gateway/src/fhir_claims.h"

#include <functional>

#include "gateway/test/fhir_r4_required.h"
#include "gateway/test/fhir_samples.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway::fhir {
namespace {

namespace cv1 = claims::v1;
using ::testing::IsEmpty;
using ::testing::StartsWith;

absl::StatusOr<ClaimFiling> Read(const std::function<void(nlohmann::json&)>& change) {
  nlohmann::json claim = SampleClaim();
  change(claim);
  return ReadClaim(claim.dump(), "clinic-atlas");
}

cv1::Claim Filed(const std::string& state) {
  cv1::Claim claim;
  claim.set_claim_id("HC-000000000042");
  claim.set_registration_number("100000017");
  claim.set_channel("PARTNER:clinic-atlas");
  claim.set_filed_date("2026-05-08");
  claim.set_state(state);
  claim.set_claimed_centimes(19050);
  claim.mutable_received_at()->set_seconds(1778230000);
  for (int i = 1; i <= 2; ++i) {
    cv1::ClaimItem* item = claim.add_items();
    item->set_item(i);
    item->set_beneficiary_id("100000017-01");
    item->set_care_date("2026-05-02");
    item->set_act_code(i == 1 ? "C" : "PH.12");
    item->set_quantity(i);
    item->set_amount_paid_centimes(i == 1 ? 15000 : 4050);
  }
  return claim;
}

cv1::Claim Decided() {
  cv1::Claim claim = Filed("DECIDED");
  claim.set_outcome("PARTIAL");
  claim.set_reimbursed_centimes(10000);
  cv1::ClaimItem* accepted = claim.mutable_items(0);
  accepted->set_outcome("ACCEPTED");
  accepted->set_tnr_amount_centimes(12500);
  accepted->set_rate_percent(80);
  accepted->set_reimbursed_centimes(10000);
  cv1::ClaimItem* rejected = claim.mutable_items(1);
  rejected->set_outcome("REJECTED");
  rejected->set_reason("NOT_COVERED");
  rejected->set_reason_detail("AGE_LIMIT");
  return claim;
}

TEST(FhirClaimsTest, AClaimIsFiledAsItsPatientsItemsOnThePartnersChannel) {
  auto filing = ReadClaim(SampleClaim().dump(), "clinic-atlas");
  ASSERT_TRUE(filing.ok()) << filing.status();
  const cv1::SubmitClaimRequest& r = filing->request;
  EXPECT_EQ(r.registration_number(), "100000017");
  EXPECT_EQ(r.filed_date(), "2026-05-08");
  EXPECT_EQ(r.channel(), "PARTNER:clinic-atlas");
  EXPECT_EQ(r.claim_id(), "");
  EXPECT_EQ(r.idempotency_key(), "fhir:clinic-atlas:CA-2026-0001");
  ASSERT_EQ(r.items_size(), 2);
  EXPECT_EQ(r.items(0).beneficiary_id(), "100000017-01");
  EXPECT_EQ(r.items(0).act_code(), "C");
  EXPECT_EQ(r.items(0).care_date(), "2026-05-02");
  EXPECT_EQ(r.items(0).quantity(), 1);
  EXPECT_EQ(r.items(0).amount_paid_centimes(), 15000);
  EXPECT_EQ(r.items(1).act_code(), "PH.12");
  EXPECT_EQ(r.items(1).quantity(), 2);
  EXPECT_EQ(r.items(1).amount_paid_centimes(), 4050);  // unitPrice × quantity
  EXPECT_EQ(filing->identifier["value"], "CA-2026-0001");
}

TEST(FhirClaimsTest, AClaimWithoutIdentifierOrQuantityIsFiledWithoutKeyForOneUnit) {
  auto filing = Read([](nlohmann::json& c) {
    c.erase("identifier");
    c["item"][0].erase("quantity");
  });
  ASSERT_TRUE(filing.ok()) << filing.status();
  EXPECT_EQ(filing->request.idempotency_key(), "");
  EXPECT_TRUE(filing->identifier.is_null());
  EXPECT_EQ(filing->request.items(0).quantity(), 1);
}

TEST(FhirClaimsTest, EachBadClaimIsRefusedNamingTheElement) {
  struct Case {
    std::function<void(nlohmann::json&)> change;
    std::string element;
  };
  const std::vector<Case> cases = {
      {[](nlohmann::json& c) { c["resourceType"] = "ClaimResponse"; }, "resourceType"},
      {[](nlohmann::json& c) { c.erase("status"); }, "Claim.status"},
      {[](nlohmann::json& c) { c["status"] = "cancelled"; }, "Claim.status"},
      {[](nlohmann::json& c) { c.erase("type"); }, "Claim.type"},
      {[](nlohmann::json& c) { c.erase("use"); }, "Claim.use"},
      {[](nlohmann::json& c) { c["use"] = "preauthorization"; }, "Claim.use"},
      {[](nlohmann::json& c) { c.erase("patient"); }, "Claim.patient"},
      {[](nlohmann::json& c) {
         c["patient"] = {{"reference", "Patient/100000018"}};
       },
       "Claim.patient.reference"},
      {[](nlohmann::json& c) { c.erase("created"); }, "Claim.created"},
      {[](nlohmann::json& c) { c["created"] = "08/05/2026"; }, "Claim.created"},
      {[](nlohmann::json& c) { c.erase("provider"); }, "Claim.provider"},
      {[](nlohmann::json& c) { c.erase("priority"); }, "Claim.priority"},
      {[](nlohmann::json& c) { c.erase("insurance"); }, "Claim.insurance"},
      {[](nlohmann::json& c) { c["insurance"][0].erase("sequence"); }, "Claim.insurance[0].sequence"},
      {[](nlohmann::json& c) { c["insurance"][0]["focal"] = "yes"; }, "Claim.insurance[0].focal"},
      {[](nlohmann::json& c) { c["insurance"][0].erase("coverage"); }, "Claim.insurance[0].coverage"},
      {[](nlohmann::json& c) { c["identifier"][0]["value"] = "has space"; }, "Claim.identifier[0].value"},
      {[](nlohmann::json& c) { c["identifier"][0]["value"] = std::string(57, 'k'); }, "Claim.identifier[0].value"},
      {[](nlohmann::json& c) { c["identifier"] = "CA-1"; }, "Claim.identifier"},
      {[](nlohmann::json& c) { c.erase("item"); }, "Claim.item"},
      {[](nlohmann::json& c) { c["item"] = nlohmann::json::array(); }, "Claim.item"},
      {[](nlohmann::json& c) {
         nlohmann::json item = c["item"][0];
         c["item"] = nlohmann::json::array();
         for (int i = 0; i < 51; ++i) c["item"].push_back(item);
       },
       "Claim.item"},
      {[](nlohmann::json& c) { c["item"][0] = "C"; }, "Claim.item[0]"},
      {[](nlohmann::json& c) { c["item"][1].erase("sequence"); }, "Claim.item[1].sequence"},
      {[](nlohmann::json& c) { c["item"][1].erase("productOrService"); }, "Claim.item[1].productOrService"},
      {[](nlohmann::json& c) { c["item"][0]["productOrService"]["coding"][0]["system"] = "urn:ccam"; },
       "Claim.item[0].productOrService"},
      {[](nlohmann::json& c) { c["item"][0].erase("servicedDate"); }, "Claim.item[0].servicedDate"},
      {[](nlohmann::json& c) { c["item"][0]["servicedDate"] = "2026-05-02T10:00:00Z"; }, "Claim.item[0].servicedDate"},
      {[](nlohmann::json& c) {
         c["item"][0]["quantity"] = {{"value", 0}};
       },
       "Claim.item[0].quantity.value"},
      {[](nlohmann::json& c) {
         c["item"][0]["quantity"] = {{"value", 1.5}};
       },
       "Claim.item[0].quantity.value"},
      {[](nlohmann::json& c) {
         c["item"][0]["quantity"] = {{"unit", "box"}};
       },
       "Claim.item[0].quantity.value"},
      {[](nlohmann::json& c) { c["item"][0]["quantity"] = 2; }, "Claim.item[0].quantity"},
      {[](nlohmann::json& c) { c["item"][0].erase("net"); }, "Claim.item[0].net"},
      {[](nlohmann::json& c) { c["item"][0]["net"]["currency"] = "EUR"; }, "Claim.item[0].net.currency"},
      {[](nlohmann::json& c) { c["item"][0]["net"]["value"] = 150.001; }, "Claim.item[0].net.value"},
      {[](nlohmann::json& c) { c["item"][1]["unitPrice"]["value"] = -1; }, "Claim.item[1].unitPrice.value"},
  };
  for (const Case& c : cases) {
    absl::Status refused = Read(c.change).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << c.element << ": " << refused;
    EXPECT_THAT(std::string(refused.message()), StartsWith(c.element + ":")) << refused;
  }
}

TEST(FhirClaimsTest, AReceivedClaimIsQueuedWithWhatWasSubmitted) {
  nlohmann::json identifier = {{"system", "https://clinic-atlas.ma/claims"}, {"value", "CA-2026-0001"}};
  nlohmann::json response = ClaimResponse(Filed("RECEIVED"), Fund{}, identifier);
  EXPECT_THAT(MissingRequiredElements(response), IsEmpty()) << response.dump(2);
  EXPECT_EQ(response["id"], "HC-000000000042");
  EXPECT_EQ(response["outcome"], "queued");
  EXPECT_EQ(response["disposition"], "RECEIVED");
  EXPECT_EQ(response["use"], "claim");
  EXPECT_EQ(response["status"], "active");
  EXPECT_EQ(response["patient"]["identifier"]["value"], "100000017-01");
  EXPECT_EQ(response["request"]["identifier"], identifier);
  EXPECT_EQ(response["identifier"][0]["system"], kClaimIdSystem);
  ASSERT_EQ(response["item"].size(), 2u);
  EXPECT_EQ(response["item"][1]["itemSequence"], 2);
  ASSERT_EQ(response["item"][1]["adjudication"].size(), 1u);
  EXPECT_EQ(response["item"][1]["adjudication"][0]["category"]["coding"][0]["code"], "submitted");
  EXPECT_EQ(response["item"][1]["adjudication"][0]["amount"], Money(4050));
  ASSERT_EQ(response["total"].size(), 1u);
  EXPECT_EQ(response["total"][0]["amount"], Money(19050));
  EXPECT_FALSE(response.contains("payment"));
  EXPECT_EQ(ClaimResponse(Filed("IN_REVIEW"), Fund{})["outcome"], "queued");
  EXPECT_FALSE(ClaimResponse(Filed("IN_REVIEW"), Fund{}).contains("request"));
}

TEST(FhirClaimsTest, ADecidedClaimHasEachItemsAdjudicationAndReason) {
  nlohmann::json response = ClaimResponse(Decided(), Fund{});
  EXPECT_THAT(MissingRequiredElements(response), IsEmpty()) << response.dump(2);
  EXPECT_EQ(response["outcome"], "partial");
  EXPECT_EQ(response["disposition"], "PARTIAL");
  const nlohmann::json& accepted = response["item"][0]["adjudication"];
  ASSERT_EQ(accepted.size(), 4u);
  EXPECT_EQ(accepted[1]["category"]["coding"][0]["code"], "eligible");
  EXPECT_EQ(accepted[1]["amount"], Money(12500));
  EXPECT_EQ(accepted[2]["category"]["coding"][0]["code"], "eligpercent");
  EXPECT_EQ(accepted[2]["value"], 80);
  EXPECT_EQ(accepted[3]["category"]["coding"][0]["code"], "benefit");
  EXPECT_EQ(accepted[3]["amount"], Money(10000));
  EXPECT_FALSE(accepted[3].contains("reason"));
  const nlohmann::json& rejected = response["item"][1]["adjudication"];
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[1]["amount"], Money(0));
  EXPECT_EQ(rejected[1]["reason"]["coding"][0]["system"], kClaimReasonSystem);
  EXPECT_EQ(rejected[1]["reason"]["coding"][0]["code"], "NOT_COVERED");
  EXPECT_EQ(rejected[1]["reason"]["coding"][1], Coding(kEligibilityReasonSystem, "AGE_LIMIT"));
  EXPECT_EQ(response["total"][1]["category"]["coding"][0]["code"], "benefit");
  EXPECT_EQ(response["total"][1]["amount"], Money(10000));
}

TEST(FhirClaimsTest, AcceptedRejectedAndPaidClaimsAreComplete) {
  cv1::Claim claim = Decided();
  claim.set_outcome("ACCEPTED");
  EXPECT_EQ(ClaimResponse(claim, Fund{})["outcome"], "complete");
  claim.set_outcome("REJECTED");
  claim.mutable_items(1)->set_reason("DUPLICATE");
  claim.mutable_items(1)->set_reason_detail("HC-000000000007");
  nlohmann::json rejected = ClaimResponse(claim, Fund{});
  EXPECT_EQ(rejected["outcome"], "complete");
  EXPECT_EQ(rejected["item"][1]["adjudication"][1]["reason"]["text"], "HC-000000000007");
  claim.set_state("PAID");
  claim.mutable_paid_at()->set_seconds(1780000000);  // 2026-05-28
  nlohmann::json paid = ClaimResponse(claim, Fund{});
  EXPECT_THAT(MissingRequiredElements(paid), IsEmpty()) << paid.dump(2);
  EXPECT_EQ(paid["payment"]["amount"], Money(10000));
  EXPECT_EQ(paid["payment"]["date"], "2026-05-28");
}

TEST(FhirClaimsTest, AFileOfSeveralBeneficiariesIsTheInsureds) {
  cv1::Claim claim = Filed("RECEIVED");
  claim.mutable_items(1)->set_beneficiary_id("100000017");
  EXPECT_EQ(ClaimResponse(claim, Fund{})["patient"]["identifier"]["value"], "100000017");
  EXPECT_EQ(ClaimResponse(claim, Fund{})["patient"]["identifier"]["system"], kRegistrationNumberSystem);
}

TEST(FhirClaimsTest, TheClaimsServicesRefusalsNameTheClaimsElements) {
  struct Case {
    std::string message;
    std::string element;
  };
  const std::vector<Case> cases = {
      {"items[1].care_date: must not be after the filed date", "Claim.item[1].servicedDate"},
      {"items[0].act_code: 1 to 16 of [A-Z0-9.]", "Claim.item[0].productOrService"},
      {"items[0].quantity: 1 to 999", "Claim.item[0].quantity"},
      {"items[0].amount_paid_centimes: above 0", "Claim.item[0].net"},
      {"items[0].beneficiary_id: not of this insured", "Claim.patient"},
      {"filed_date: must not be after the day the file was received", "Claim.created"},
      {"registration_number: must be 9 digits", "Claim.patient"},
      {"items: 1 to 50", "Claim.item"},
  };
  for (const Case& c : cases) {
    ApiError error = ClaimFilingError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, c.message));
    EXPECT_EQ(error.field, c.element) << c.message;
    EXPECT_THAT(error.message, StartsWith(c.element + ":")) << c.message;
  }
  ApiError reused = ClaimFilingError(
      grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "IDEMPOTENCY_KEY_REUSED: idempotency_key: used for another file"));
  EXPECT_EQ(reused.code, absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(reused.field, "Claim.identifier");
  ApiError down = ClaimFilingError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"));
  EXPECT_EQ(down.code, absl::StatusCode::kUnavailable);
  EXPECT_EQ(down.field, "");
}

}  // namespace
}  // namespace himaya::gateway::fhir
