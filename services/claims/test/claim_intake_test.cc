// ClaimIntake on both backends: a file stored RECEIVED with its due date in the service's time
// zone, the decider woken, ids given or taken, idempotency keys, and each bad field refused with
// its name.
#include "claims/src/claim_intake.h"

#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "claims/src/claim_store.h"
#include "claims/test/claims_database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class ClaimIntakeTest : public ClaimsDatabaseTest {
 protected:
  void SetUp() override {
    ClaimsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    absl::TimeZone casablanca;
    ASSERT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &casablanca));
    // 23:30 UTC, 00:30 the next day in Casablanca (UTC+1 outside Ramadan).
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 10, 23, 30, 0), absl::UTCTimeZone()));
    intake_ = std::make_unique<ClaimIntake>(*db_, clock_, random_, IntakeOptions{casablanca, 9, &metrics_},
                                            [this] { ++woken_; });
  }
  static ClaimSubmission Submission(const std::string& claim_id = "FS-1") {
    ClaimSubmission s;
    s.claim_id = claim_id;
    s.registration_number = "100000017";
    s.filed_date = "2026-05-08";
    s.items.push_back({"100000017", "2026-05-02", " c ", 1, 15000, ""});
    s.items.push_back({"100000017-01", "2026-05-08", "PH.12", 2, 4050, "ALD-7"});
    return s;
  }
  absl::Status Refusal(const std::function<void(ClaimSubmission&)>& change) {
    ClaimSubmission s = Submission();
    change(s);
    return intake_->Submit(s).status();
  }
  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  prometheus::Registry registry_;
  IntakeMetrics metrics_{registry_};
  std::unique_ptr<ClaimIntake> intake_;
  int woken_ = 0;
};

TEST_P(ClaimIntakeTest, AFileIsStoredReceivedDueNineDaysAfterTheDayOfReceiptInTheZone) {
  auto claim = intake_->Submit(Submission());
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->claim_id, "FS-1");
  EXPECT_EQ(claim->state, kClaimReceived);
  EXPECT_EQ(claim->channel, "PORTAL");
  EXPECT_EQ(claim->due_date, absl::CivilDay(2026, 5, 20));  // received 2026-05-11 in Casablanca
  EXPECT_EQ(claim->claimed_centimes, 19050);
  EXPECT_EQ(woken_, 1);
  EXPECT_THAT(Metrics(), HasSubstr("himaya_claims_received_total{channel=\"PORTAL\"} 1"));
  auto stored = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "FS-1"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->due_date, absl::CivilDay(2026, 5, 20));
  EXPECT_EQ(stored->received_at, clock_.Now());
  ASSERT_EQ(stored->items.size(), 2u);
  EXPECT_EQ(stored->items[0].filed.item, 1);
  EXPECT_EQ(stored->items[0].filed.act_code, "C");  // written as the tariff holds it
  EXPECT_EQ(stored->items[1].filed.item, 2);
  EXPECT_EQ(stored->items[1].filed.ald_certificate, "ALD-7");
  EXPECT_EQ(stored->items[1].row_number, 0);
}

TEST_P(ClaimIntakeTest, WithoutAnIdTheServiceGivesAUniqueOne) {
  auto first = intake_->Submit(Submission(""));
  auto second = intake_->Submit(Submission(""));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(first->claim_id, MatchesRegex("HC-[0-9]{12}"));
  EXPECT_NE(first->claim_id, second->claim_id);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 2);
}

TEST_P(ClaimIntakeTest, AnIdAnotherFileHoldsIsRefused) {
  ASSERT_TRUE(intake_->Submit(Submission()).ok());
  absl::Status taken = intake_->Submit(Submission()).status();
  EXPECT_EQ(taken.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(absl::StartsWith(taken.message(), "CLAIM_ID_TAKEN: ")) << taken;
  EXPECT_EQ(woken_, 1);
}

TEST_P(ClaimIntakeTest, TheSameIdempotencyKeyReturnsTheFirstAnswer) {
  ClaimSubmission s = Submission("");
  s.idempotency_key = "portal-7f3a";
  auto first = intake_->Submit(s);
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Hours(1));
  auto again = intake_->Submit(s);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->claim_id, first->claim_id);
  EXPECT_EQ(again->received_at, first->received_at);
  EXPECT_EQ(again->items.size(), 2u);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 1);
  EXPECT_EQ(woken_, 1);
}

TEST_P(ClaimIntakeTest, WithoutAFilingDayTheFileIsFiledTheDayItIsReceivedAndARetryTheNextDayIsTheSameFile) {
  ClaimSubmission s = Submission("");
  s.filed_date = "";
  s.idempotency_key = "portal-day";
  auto first = intake_->Submit(s);
  ASSERT_TRUE(first.ok()) << first.status();
  // 23:30 UTC on the 10th is the 11th in Casablanca: the day received, not a day the filer chose.
  EXPECT_EQ(first->filed_date, absl::CivilDay(2026, 5, 11));
  clock_.Advance(absl::Hours(24));
  auto again = intake_->Submit(s);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->claim_id, first->claim_id);
  EXPECT_EQ(again->filed_date, absl::CivilDay(2026, 5, 11));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 1);
}

TEST_P(ClaimIntakeTest, AKeyIsTheInsuredsAndNeverAnswersWithAnotherInsuredsFile) {
  ClaimSubmission first = Submission("");
  first.idempotency_key = "retry-1";
  ClaimSubmission other = first;
  other.registration_number = "100000025";
  other.items = {{"100000025", "2026-05-02", "C", 1, 15000, ""}};
  auto mine = intake_->Submit(first);
  auto theirs = intake_->Submit(other);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_NE(theirs->claim_id, mine->claim_id);
  EXPECT_EQ(theirs->registration_number, "100000025");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 2);
}

TEST_P(ClaimIntakeTest, APartnersKeyIsThePartnersNotTheInsureds) {
  ClaimSubmission portal = Submission("");
  portal.idempotency_key = "fhir:clinic-atlas:INV-1";  // an insured takes a clinic's key first
  ClaimSubmission clinic = portal;
  clinic.channel = "PARTNER:clinic-atlas";
  clinic.items[0].quantity = 2;
  auto taken = intake_->Submit(portal);
  ASSERT_TRUE(taken.ok()) << taken.status();
  auto filed = intake_->Submit(clinic);
  ASSERT_TRUE(filed.ok()) << filed.status();
  EXPECT_NE(filed->claim_id, taken->claim_id);
  EXPECT_EQ(filed->channel, "PARTNER:clinic-atlas");
  ClaimSubmission another_insured = clinic;
  another_insured.registration_number = "100000025";
  another_insured.items = {{"100000025", "2026-05-02", "C", 1, 15000, ""}};
  absl::Status reused = intake_->Submit(another_insured).status();
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists) << "the clinic's key names one file, whoever's";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 2);
}

TEST_P(ClaimIntakeTest, AKeyReusedForAnotherFileIsRefused) {
  ClaimSubmission s = Submission("");
  s.idempotency_key = "retry-2";
  ASSERT_TRUE(intake_->Submit(s).ok());
  s.items[0].quantity = 2;
  absl::Status reused = intake_->Submit(s).status();
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(absl::StartsWith(reused.message(), "IDEMPOTENCY_KEY_REUSED: idempotency_key")) << reused;
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 1);
}

TEST_P(ClaimIntakeTest, RetriesSentAtOnceGetTheSameFile) {
  ClaimSubmission s = Submission("FS-9");
  s.idempotency_key = "retry-3";
  constexpr int kRetries = 4;
  std::vector<absl::StatusOr<Claim>> answers(kRetries, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kRetries; ++i) threads.emplace_back([&, i] { answers[i] = intake_->Submit(s); });
  for (std::thread& t : threads) t.join();
  for (const absl::StatusOr<Claim>& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->claim_id, "FS-9");
  }
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_items"), 2);
}

TEST_P(ClaimIntakeTest, APartnersFileKeepsItsChannelAndIsCountedAsPartner) {
  ClaimSubmission s = Submission();
  s.channel = "PARTNER:clinic-atlas";
  auto claim = intake_->Submit(s);
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->channel, "PARTNER:clinic-atlas");
  auto stored = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "FS-1"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->channel, "PARTNER:clinic-atlas");
  // The client's id stays out of the label.
  EXPECT_THAT(Metrics(), HasSubstr("himaya_claims_received_total{channel=\"PARTNER\"} 1"));
  EXPECT_THAT(Metrics(), Not(HasSubstr("clinic-atlas")));
}

TEST_P(ClaimIntakeTest, EachBadFieldIsRefusedWithItsName) {
  struct Case {
    std::function<void(ClaimSubmission&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](ClaimSubmission& s) { s.claim_id = "FS 1"; }, "claim_id"},
      {[](ClaimSubmission& s) { s.claim_id = std::string(33, 'A'); }, "claim_id"},
      {[](ClaimSubmission& s) { s.registration_number = ""; }, "registration_number"},
      {[](ClaimSubmission& s) { s.registration_number = "100000018"; }, "registration_number"},
      {[](ClaimSubmission& s) { s.filed_date = "2026-5-8"; }, "filed_date"},
      {[](ClaimSubmission& s) { s.filed_date = "2026-05-12"; },
       "filed_date: must not be after the day the file was received"},
      {[](ClaimSubmission& s) { s.channel = "BATCH:X/Y"; }, "channel"},
      {[](ClaimSubmission& s) { s.channel = "AGENT:"; }, "channel"},
      {[](ClaimSubmission& s) { s.channel = "PARTNER:"; }, "channel"},
      {[](ClaimSubmission& s) { s.channel = "PARTNER:clinic atlas"; }, "channel"},
      {[](ClaimSubmission& s) { s.channel = "PARTNER:" + std::string(65, 'c'); }, "channel"},
      {[](ClaimSubmission& s) { s.idempotency_key = std::string(129, 'k'); }, "idempotency_key"},
      {[](ClaimSubmission& s) { s.idempotency_key = "a key"; }, "idempotency_key"},
      {[](ClaimSubmission& s) { s.items.clear(); }, "items: 1 to 50"},
      {[](ClaimSubmission& s) { s.items.resize(51, s.items[0]); }, "items: 1 to 50"},
      {[](ClaimSubmission& s) { s.items[1].care_date = "2026-05-09"; }, "items[1].care_date"},
      {[](ClaimSubmission& s) { s.items[0].care_date = "yesterday"; }, "items[0].care_date"},
      {[](ClaimSubmission& s) { s.items[1].beneficiary_id = "100000025-01"; }, "items[1].beneficiary_id"},
      {[](ClaimSubmission& s) { s.items[0].act_code = "C$"; }, "items[0].act_code"},
      {[](ClaimSubmission& s) { s.items[0].quantity = 0; }, "items[0].quantity"},
      {[](ClaimSubmission& s) { s.items[0].quantity = 1000; }, "items[0].quantity"},
      {[](ClaimSubmission& s) { s.items[0].amount_paid_centimes = 0; }, "items[0].amount_paid"},
      {[](ClaimSubmission& s) { s.items[0].ald_certificate = " ALD"; }, "items[0].ald_certificate"},
  };
  for (const Case& c : cases) {
    absl::Status refused = Refusal(c.change);
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << c.field << ": " << refused;
    EXPECT_THAT(std::string(refused.message()), HasSubstr(c.field));
  }
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims"), 0);
  EXPECT_EQ(woken_, 0);
  EXPECT_THAT(Metrics(), Not(HasSubstr("himaya_claims_received_total{")));
}

INSTANTIATE_BACKENDS(ClaimIntakeTest);

}  // namespace
}  // namespace himaya::claims
