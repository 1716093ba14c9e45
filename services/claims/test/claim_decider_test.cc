// The decider on both backends with a fake beneficiary directory: every outcome and reason, the
// facts of a chunk gathered set-wise, files of one chunk seeing each other's accepted items, a
// file decided once when two deciders run at once, files waiting while the beneficiary service
// cannot answer, batches completed, and the events in the outbox (codes and amounts only).
#include "claims/src/claim_decider.h"

#include <thread>

#include "absl/synchronization/notification.h"
#include "claims/test/fake_beneficiary_directory.h"
#include "claims/test/received_claims.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/events.pb.h"
#include "prometheus/text_serializer.h"
#include "stack/local_stack.h"

namespace himaya::claims {
namespace {

class ClaimDeciderTest : public ReceivedClaimsTest {
 protected:
  void SetUp() override {
    ReceivedClaimsTest::SetUp();
    if (HasFatalFailure()) return;
    UsualTariff();
    directory_.Cover("100000017", "100000017", "amo-tadamon", absl::CivilDay(2025, 6, 1));
    directory_.Cover("100000017-01", "100000017", "amo-tadamon", absl::CivilDay(2026, 1, 1));
    directory_.Cover("100000025", "100000025", "amo-tns", absl::CivilDay(2026, 1, 1));
    directory_.Place("100000017", "RAMED", "Oriental");
    decider_ = NewDecider();
  }
  std::unique_ptr<ClaimDecider> NewDecider(BeneficiaryDirectory* directory = nullptr) {
    return std::make_unique<ClaimDecider>(
        *db_, TestRules(), directory ? *directory : directory_, clock_,
        events::EventSource{"claims", &clock_, &random_}, registry_, processing_time_,
        ClaimDeciderOptions{.chunk_files = 3, .retry_after = absl::Milliseconds(10), .period = absl::Seconds(1)},
        [this] { ++published_; });
  }
  ChunkResult Decide() {
    absl::StatusOr<ChunkResult> chunk = decider_->DecideChunk();
    EXPECT_TRUE(chunk.ok()) << chunk.status();
    return chunk.ok() ? *chunk : ChunkResult{};
  }
  void DecideAll() {
    for (int i = 0; i < 100 && Decide().files() > 0; ++i) {
    }
  }
  // The outbox's events of type `Event`, each checked for topic and key.
  template <typename Event>
  std::vector<Event> Published() {
    std::vector<Event> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT topic, message_key, payload FROM outbox ORDER BY id")) {
      auto env = events::ParseEnvelope(r.Text(2));
      EXPECT_TRUE(env.ok());
      if (!env.ok()) continue;
      auto e = events::Unpack<Event>(*env);
      if (!e.ok()) continue;
      EXPECT_EQ(r.Text(0), absl::StrCat("himaya.claims.", e->program(), ".v1"));
      EXPECT_EQ(r.Text(1), e->registration_number());
      out.push_back(*e);
    }
    return out;
  }
  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  FakeBeneficiaryDirectory directory_;
  prometheus::Registry registry_;
  ProcessingTime processing_time_{registry_};
  std::unique_ptr<ClaimDecider> decider_;
  int published_ = 0;
};

TEST_P(ClaimDeciderTest, AFileOfGoodItemsIsAcceptedWithItsAmountsProgramAndEvents) {
  Receive({.claim_id = "A1",
           .items = {TestItem{},
                     {.act_code = "P", .quantity = 3, .amount_paid_centimes = 12000},
                     {.beneficiary_id = "100000017-01", .care_date = "2026-02-21"}}});
  ChunkResult chunk = Decide();
  EXPECT_EQ(chunk.decided, 1);
  EXPECT_EQ(ClaimField("A1", "state"), "DECIDED");
  EXPECT_EQ(ClaimField("A1", "outcome"), "ACCEPTED");
  EXPECT_EQ(ClaimField("A1", "program"), "amo-tadamon");
  EXPECT_EQ(ClaimField("A1", "category"), "RAMED") << "the insured's, for the figures";
  EXPECT_EQ(ClaimField("A1", "region"), "Oriental");
  // min(200, 150) x 70% + min(120, 3 x 30) x 70% + min(200, 150) x 70% = 105 + 63 + 105 MAD
  EXPECT_EQ(ClaimField("A1", "reimbursed_centimes"), "27300");
  EXPECT_EQ(ClaimField("A1", "decided_at_us"), absl::StrCat(absl::ToUnixMicros(clock_.Now())));
  EXPECT_EQ(ClaimField("A1", "settled_at_us"), "") << "to be paid: the clock runs on";
  EXPECT_EQ(ItemDecision("A1", 1), "ACCEPTED ");
  EXPECT_EQ(testing::Count(*db_, "SELECT reimbursed_centimes FROM claim_items WHERE claim_id = 'A1' AND item = 2"),
            6300);
  EXPECT_EQ(testing::Count(*db_, "SELECT tnr_centimes FROM claim_items WHERE claim_id = 'A1' AND item = 2"), 3000);
  EXPECT_EQ(testing::Count(*db_, "SELECT rate_percent FROM claim_items WHERE claim_id = 'A1' AND item = 2"), 70);
  EXPECT_EQ(published_, 1);
  std::vector<v1::ClaimSubmitted> submitted = Published<v1::ClaimSubmitted>();
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].claim_id(), "A1");
  EXPECT_EQ(submitted[0].channel(), "PORTAL");
  EXPECT_EQ(submitted[0].items(), 3);
  EXPECT_EQ(submitted[0].claimed_centimes(), 52000);
  EXPECT_EQ(submitted[0].due_date(), "2026-03-11");
  std::vector<v1::ClaimDecided> decided = Published<v1::ClaimDecided>();
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].outcome(), "ACCEPTED");
  EXPECT_EQ(decided[0].items_accepted(), 3);
  EXPECT_EQ(decided[0].items_rejected(), 0);
  EXPECT_EQ(decided[0].reimbursed_centimes(), 27300);
  EXPECT_EQ(decided[0].program(), "amo-tadamon");
  EXPECT_FALSE(decided[0].reviewed());
}

TEST_P(ClaimDeciderTest, EachRejectionHasItsReasonAndAFileIsPartialOrRejected) {
  Certificate("ALD-1", "100000017", "2026-01-01", "2026-02-19");  // expired the day before care
  Receive({.claim_id = "R1",
           .items = {{.beneficiary_id = "100000033"},                                // unknown
                     {.act_code = "ZZ"},                                             // no such act
                     {.act_code = "X"},                                              // not in 2026's
                     {.act_code = "P", .quantity = 6},                               // over 5
                     {.beneficiary_id = "100000017-01", .care_date = "2025-12-31"},  // not yet covered
                     {.care_date = "2025-12-30", .act_code = "P"},                   // 61 days before
                     {.invalid_field = "care_date"},                                 // unreadable row
                     {.act_code = "P", .ald_certificate = "ALD-1"}}});               // ordinary rate
  Receive({.claim_id = "R2", .items = {{.beneficiary_id = "100000033"}}});
  DecideAll();
  EXPECT_EQ(ItemDecision("R1", 1), "REJECTED NOT_COVERED");
  EXPECT_EQ(testing::Count(*db_,
                           "SELECT COUNT(*) FROM claim_items WHERE claim_id = 'R1' AND item = 1 AND "
                           "reason_detail = 'NOT_REGISTERED'"),
            1);
  EXPECT_EQ(ItemDecision("R1", 2), "REJECTED UNKNOWN_ACT");
  EXPECT_EQ(ItemDecision("R1", 3), "REJECTED ACT_NOT_IN_TARIFF");
  EXPECT_EQ(ItemDecision("R1", 4), "REJECTED QUANTITY_OVER_MAXIMUM");
  EXPECT_EQ(ItemDecision("R1", 5), "REJECTED NOT_COVERED");
  EXPECT_EQ(ItemDecision("R1", 6), "REJECTED FILED_TOO_LATE");
  EXPECT_EQ(ItemDecision("R1", 7), "REJECTED INVALID_ROW");
  EXPECT_EQ(ItemDecision("R1", 8), "ACCEPTED ");
  EXPECT_EQ(testing::Count(*db_, "SELECT rate_percent FROM claim_items WHERE claim_id = 'R1' AND item = 8"), 70);
  EXPECT_EQ(ClaimField("R1", "outcome"), "PARTIAL");
  EXPECT_EQ(ClaimField("R2", "outcome"), "REJECTED");
  EXPECT_EQ(ClaimField("R2", "state"), "DECIDED");
  EXPECT_EQ(ClaimField("R2", "settled_at_us"), ClaimField("R2", "decided_at_us")) << "nothing to pay: settled";
  EXPECT_NE(Metrics().find("himaya_claims_processing_days_count{program=\"amo-tadamon\"} 1"), std::string::npos)
      << Metrics();
}

TEST_P(ClaimDeciderTest, AValidAldCertificateGivesTheHigherRate) {
  Certificate("ALD-1", "100000017", "2026-01-01", "2026-02-20");  // its last day is the care day
  Certificate("ALD-2", "100000025", "2026-01-01", "2026-12-31");  // someone else's
  Receive({.claim_id = "A1",
           .items = {{.ald_certificate = "ALD-1"},
                     {.care_date = "2026-02-28", .act_code = "P", .ald_certificate = "ALD-2"}}});
  Decide();
  EXPECT_EQ(testing::Count(*db_, "SELECT rate_percent FROM claim_items WHERE claim_id = 'A1' AND item = 1"), 90);
  EXPECT_EQ(testing::Count(*db_, "SELECT rate_percent FROM claim_items WHERE claim_id = 'A1' AND item = 2"), 70);
}

TEST_P(ClaimDeciderTest, FilesOfOneChunkSeeEachOthersAcceptedItemsInOrder) {
  Receive({.claim_id = "F1"});
  Receive({.claim_id = "F2"});  // the same item
  Receive({.claim_id = "F3", .items = {{.care_date = "2026-02-25", .amount_paid_centimes = 15000}}});
  ChunkResult chunk = Decide();
  EXPECT_EQ(chunk.decided, 3) << "one chunk";
  EXPECT_EQ(ItemDecision("F1", 1), "ACCEPTED ");
  EXPECT_EQ(ItemDecision("F2", 1), "REJECTED DUPLICATE");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_items WHERE claim_id = 'F2' AND reason_detail = 'F1'"), 1);
  EXPECT_EQ(ItemDecision("F3", 1), "REJECTED REPEATED_TOO_SOON");
  // A later chunk sees them too, from the database; seven days apart is allowed.
  Receive({.claim_id = "F4"});
  Receive({.claim_id = "F5", .items = {{.care_date = "2026-02-27"}}});
  Receive({.claim_id = "F6", .items = {{.amount_paid_centimes = 20001}}});  // another amount, the same day
  Decide();
  EXPECT_EQ(ItemDecision("F4", 1), "REJECTED DUPLICATE");
  EXPECT_EQ(ItemDecision("F5", 1), "ACCEPTED ");
  EXPECT_EQ(ItemDecision("F6", 1), "REJECTED DUPLICATE");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_items WHERE claim_id = 'F6' AND reason_detail = 'F1'"), 1);
}

TEST_P(ClaimDeciderTest, AChunksQuestionsAreAskedOnceEachInOneCall) {
  for (int i = 0; i < 3; ++i) {
    Receive({.claim_id = absl::StrCat("Q", i),
             .items = {TestItem{}, {.act_code = "P"}, {.beneficiary_id = "100000017-01"}}});
  }
  Decide();
  EXPECT_EQ(directory_.calls(), 1);
  // The insured on the filing day (their program), then 100000017 and 100000017-01 on the care day.
  EXPECT_EQ(directory_.questions(), 3);
}

TEST_P(ClaimDeciderTest, AFileGoesToReviewWithTheRulesDecisionAndNoClaimDecidedYet) {
  Receive({.claim_id = "BIG", .items = PharmacyItems(9)});          // 945 MAD to reimburse
  Receive({.claim_id = "BIGGER", .items = PharmacyItems(10, 10)});  // 1050 MAD: over 1000
  ChunkResult chunk = Decide();
  EXPECT_EQ(chunk.decided, 1);
  EXPECT_EQ(chunk.in_review, 1);
  EXPECT_EQ(ClaimField("BIGGER", "state"), "IN_REVIEW");
  EXPECT_EQ(ClaimField("BIGGER", "review_reason"), "AMOUNT_OVER_THRESHOLD");
  EXPECT_EQ(ClaimField("BIGGER", "decided_at_us"), "");
  EXPECT_EQ(ItemDecision("BIGGER", 1), "ACCEPTED ") << "the rules' decision is kept for the agent";
  EXPECT_EQ(Published<v1::ClaimSubmitted>().size(), 2u);
  std::vector<v1::ClaimDecided> decided = Published<v1::ClaimDecided>();
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].claim_id(), "BIG");
  EXPECT_NE(
      Metrics().find("himaya_claims_review_queued_total{program=\"amo-tadamon\",reason=\"AMOUNT_OVER_THRESHOLD\"} 1"),
      std::string::npos)
      << Metrics();
}

TEST_P(ClaimDeciderTest, WhileTheBeneficiaryServiceCannotAnswerFilesWaitThenAreDecided) {
  Receive({.claim_id = "W1"});
  directory_.FailWith(absl::UnavailableError("the beneficiary service cannot tell coverage now (UNAVAILABLE)"));
  EXPECT_EQ(decider_->DecideChunk().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ClaimField("W1", "state"), "RECEIVED");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_NE(Metrics().find("himaya_claims_decider_waits_total 1"), std::string::npos) << Metrics();
  decider_->Start();
  directory_.FailWith(absl::OkStatus());
  ASSERT_TRUE(stack::WaitUntil([&] { return ClaimField("W1", "state") == "DECIDED"; }, absl::Seconds(10),
                               "the file decided once the beneficiary service answers")
                  .ok());
  decider_->Stop();
  EXPECT_EQ(Published<v1::ClaimDecided>().size(), 1u);
}

TEST_P(ClaimDeciderTest, AFileWithoutARegistrationNumberBlocksNoOtherFile) {
  Receive({.claim_id = "G1", .items = PharmacyItems(1, 0)});
  Receive({.claim_id = "E1",
           .registration_number = "",
           .items = {{.beneficiary_id = "", .invalid_field = "registration_number"}}});
  Receive({.claim_id = "G2", .items = PharmacyItems(1, 1)});
  Receive({.claim_id = "G3", .items = PharmacyItems(1, 2)});
  DecideAll();
  for (const char* good : {"G1", "G2", "G3"}) {
    EXPECT_EQ(ClaimField(good, "state"), "DECIDED") << good;
    EXPECT_EQ(ClaimField(good, "outcome"), "ACCEPTED") << good;
  }
  EXPECT_EQ(ClaimField("E1", "state"), "DECIDED");
  EXPECT_EQ(ClaimField("E1", "outcome"), "REJECTED");
  EXPECT_EQ(ItemDecision("E1", 1), "REJECTED INVALID_ROW");
  EXPECT_EQ(Metrics().find("himaya_claims_decider_waits_total 1"), std::string::npos) << Metrics();
}

TEST_P(ClaimDeciderTest, AQuestionTheBeneficiaryServiceRefusesIsNotCoveredAndTheOthersAreDecided) {
  directory_.RefuseAsMalformed("100000017-77");
  Receive({.claim_id = "G1", .items = PharmacyItems(1, 0)});
  Receive({.claim_id = "R1", .items = {{.beneficiary_id = "100000017-77"}, PharmacyItems(1, 1)[0]}});
  Receive({.claim_id = "G2", .items = PharmacyItems(1, 2)});
  DecideAll();
  EXPECT_EQ(ClaimField("G1", "outcome"), "ACCEPTED");
  EXPECT_EQ(ClaimField("G2", "outcome"), "ACCEPTED");
  EXPECT_EQ(ClaimField("R1", "outcome"), "PARTIAL");
  EXPECT_EQ(ItemDecision("R1", 1), "REJECTED NOT_COVERED");
  EXPECT_EQ(testing::Count(*db_,
                           "SELECT COUNT(*) FROM claim_items WHERE claim_id = 'R1' AND item = 1 AND "
                           "reason_detail = 'QUESTION_REFUSED'"),
            1);
  EXPECT_EQ(ItemDecision("R1", 2), "ACCEPTED ");
  EXPECT_EQ(Metrics().find("himaya_claims_decider_waits_total 1"), std::string::npos) << Metrics();
}

TEST_P(ClaimDeciderTest, TheLoopIsWokenByANewFile) {
  decider_ = std::make_unique<ClaimDecider>(*db_, TestRules(), directory_, clock_,
                                            events::EventSource{"claims", &clock_, &random_}, registry_,
                                            processing_time_, ClaimDeciderOptions{.period = absl::Hours(1)});
  decider_->Start();
  Receive({.claim_id = "N1"});
  decider_->Wake();
  ASSERT_TRUE(stack::WaitUntil([&] { return ClaimField("N1", "state") == "DECIDED"; }, absl::Seconds(10),
                               "the file decided without waiting for the period")
                  .ok());
  decider_->Stop();
}

// A directory that answers only once `callers` deciders asked, so that they decide the same chunk
// at once.
class GatheringDirectory final : public BeneficiaryDirectory {
 public:
  GatheringDirectory(BeneficiaryDirectory& inner, int callers) : inner_(inner), callers_(callers) {}
  absl::StatusOr<std::vector<CoverageAnswer>> CoverageOn(const std::vector<CoverageQuestion>& questions) override {
    {
      absl::MutexLock lock(&mu_);
      ++arrived_;
      auto all_here = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return arrived_ >= callers_; };
      if (!mu_.AwaitWithTimeout(absl::Condition(&all_here), absl::Seconds(10))) {
        return absl::DeadlineExceededError("the other decider never asked");
      }
    }
    return inner_.CoverageOn(questions);
  }

 private:
  BeneficiaryDirectory& inner_;
  const int callers_;
  absl::Mutex mu_;
  int arrived_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_P(ClaimDeciderTest, AFileIsDecidedOnceWhenTwoDecidersRunAtOnce) {
  Batch("cashplus", "B1");
  for (int i = 0; i < 3; ++i) {
    Receive({.claim_id = absl::StrCat("T", i), .channel = "BATCH:cashplus/B1", .sender = "cashplus", .batch_id = "B1"});
  }
  GatheringDirectory gathering(directory_, 2);
  std::unique_ptr<ClaimDecider> first = NewDecider(&gathering);
  std::unique_ptr<ClaimDecider> second = NewDecider(&gathering);
  absl::StatusOr<ChunkResult> a, b;
  std::thread other([&] { b = second->DecideChunk(); });
  a = first->DecideChunk();
  other.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->files(), 3);
  EXPECT_EQ(b->files(), 3);
  EXPECT_EQ(a->decided + b->decided, 3) << "each file written by one decider";
  EXPECT_EQ(a->skipped + b->skipped, 3);
  EXPECT_EQ(Published<v1::ClaimDecided>().size(), 3u);
  EXPECT_EQ(Published<v1::ClaimSubmitted>().size(), 3u);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_batches WHERE state = 'COMPLETED'"), 0)
      << "a full chunk: the queue may hold more";
  Decide();
  EXPECT_EQ(testing::Count(*db_,
                           "SELECT COUNT(*) FROM claim_batches WHERE state = 'COMPLETED' AND "
                           "completed_at_us IS NOT NULL"),
            1);
}

TEST_P(ClaimDeciderTest, ABatchIsCompletedWithItsLastFile) {
  Batch("cashplus", "B1");
  Receive({.claim_id = "B1-1", .channel = "BATCH:cashplus/B1", .sender = "cashplus", .batch_id = "B1"});
  Receive({.claim_id = "B1-2",
           .channel = "BATCH:cashplus/B1",
           .sender = "cashplus",
           .batch_id = "B1",
           .items = PharmacyItems(10)});
  Decide();
  EXPECT_EQ(ClaimField("B1-2", "state"), "IN_REVIEW");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_batches WHERE state = 'COMPLETED'"), 1)
      << "every file decided or in review";
  EXPECT_EQ(Published<v1::ClaimSubmitted>()[0].channel(), "BATCH") << "the kind only, not the sender";
}

TEST_P(ClaimDeciderTest, EventsHoldNoPersonalData) {
  Receive({.claim_id = "P1",
           .channel = "AGENT:agent-7",
           .items = {{.beneficiary_id = "100000017-01", .act_code = "P", .ald_certificate = "ALD-SECRET"}}});
  Decide();
  for (const storage::Row& r : testing::Rows(*db_, "SELECT payload FROM outbox")) {
    const std::string payload = r.Text(0);
    for (const char* personal : {"100000017-01", "ALD-SECRET", "agent-7", "PHARMACY"}) {
      EXPECT_EQ(payload.find(personal), std::string::npos) << personal;
    }
  }
  EXPECT_EQ(Published<v1::ClaimSubmitted>()[0].channel(), "AGENT");
}

TEST_P(ClaimDeciderTest, AnInsuredUnknownToTheBeneficiaryServiceIsRejectedWithoutEvents) {
  Receive({.claim_id = "U1", .registration_number = "100000041", .items = {{.beneficiary_id = "100000041"}}});
  EXPECT_EQ(Decide().decided, 1);
  EXPECT_EQ(ClaimField("U1", "outcome"), "REJECTED");
  EXPECT_EQ(ClaimField("U1", "program"), "");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox"), 0) << "no program, no topic";
}

INSTANTIATE_BACKENDS(ClaimDeciderTest);

}  // namespace
}  // namespace himaya::claims
