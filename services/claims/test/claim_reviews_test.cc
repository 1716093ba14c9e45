// The review queue on both backends: files the rules sent to review listed oldest first a page
// at a time, confirmed (the rules' decision stands) or rejected whole by an agent (who decided
// recorded, ClaimDecided reviewed), refused when not waiting for a review or asked badly, and
// escalated once when waiting past the threshold.
#include "claims/src/claim_reviews.h"

#include "absl/strings/match.h"
#include "claims/src/claim_decider.h"
#include "claims/test/fake_beneficiary_directory.h"
#include "claims/test/received_claims.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/events.pb.h"
#include "prometheus/text_serializer.h"

namespace himaya::claims {
namespace {

class ClaimReviewsTest : public ReceivedClaimsTest {
 protected:
  void SetUp() override {
    ReceivedClaimsTest::SetUp();
    if (HasFatalFailure()) return;
    UsualTariff();
    directory_.Cover("100000017", "100000017", "amo-tadamon", absl::CivilDay(2025, 6, 1));
    reviews_ = std::make_unique<ClaimReviews>(*db_, clock_, events::EventSource{"claims", &clock_, &random_}, registry_,
                                              processing_time_, ClaimReviewsOptions{.escalate_after_days = 3},
                                              [this] { ++published_; });
  }
  // Files sent to review by the rules (1050 MAD each), received in the order given.
  void InReview(const std::vector<std::string>& claim_ids) {
    int first = 0;
    for (const std::string& id : claim_ids) {
      Receive({.claim_id = id, .items = PharmacyItems(10, first)});
      first += 10;  // no file holds another's items
    }
    ClaimDecider decider(*db_, TestRules(), directory_, clock_, events::EventSource{"claims", &clock_, &random_},
                         registry_, processing_time_);
    absl::StatusOr<ChunkResult> chunk = decider.DecideChunk();
    ASSERT_TRUE(chunk.ok()) << chunk.status();
    for (const std::string& id : claim_ids) ASSERT_EQ(ClaimField(id, "state"), "IN_REVIEW") << id;
  }
  std::vector<v1::ClaimDecided> Decided() {
    std::vector<v1::ClaimDecided> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT payload FROM outbox ORDER BY id")) {
      auto env = events::ParseEnvelope(r.Text(0));
      if (!env.ok()) continue;
      auto e = events::Unpack<v1::ClaimDecided>(*env);
      if (e.ok()) out.push_back(*e);
    }
    return out;
  }
  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }
  static std::vector<std::string> Ids(const ClaimPage& page) {
    std::vector<std::string> ids;
    for (const Claim& c : page.claims) ids.push_back(c.claim_id);
    return ids;
  }

  FakeBeneficiaryDirectory directory_;
  prometheus::Registry registry_;
  ProcessingTime processing_time_{registry_};
  std::unique_ptr<ClaimReviews> reviews_;
  int published_ = 0;
};

TEST_P(ClaimReviewsTest, PendingFilesAreListedOldestFirstAPageAtATime) {
  InReview({"R1", "R2"});
  Receive({.claim_id = "R3", .items = PharmacyItems(10, 30)});
  ASSERT_TRUE(ClaimDecider(*db_, TestRules(), directory_, clock_, events::EventSource{"claims", &clock_, &random_},
                           registry_, processing_time_)
                  .DecideChunk()
                  .ok());
  absl::StatusOr<ClaimPage> first = reviews_->List("", 2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{"R1", "R2"}));
  EXPECT_EQ(first->claims[0].review_reason, "AMOUNT_OVER_THRESHOLD");
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<ClaimPage> second = reviews_->List("PENDING", 2, first->next_page_token);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{"R3"}));
  EXPECT_TRUE(second->next_page_token.empty());
  EXPECT_TRUE(reviews_->List("DECIDED", 0, "")->claims.empty());
  EXPECT_EQ(reviews_->List("OPEN", 0, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reviews_->List("", 501, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reviews_->List("", 0, "garbage").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ClaimReviewsTest, ConfirmingKeepsTheRulesDecisionAndRecordsWhoDecided) {
  InReview({"R1"});
  absl::StatusOr<Claim> claim = reviews_->Decide({"R1", ReviewVerdict::kConfirm, "agent-7", ""});
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->state, "DECIDED");
  EXPECT_EQ(claim->outcome, "ACCEPTED");
  EXPECT_EQ(claim->reimbursed_centimes, 105000);
  EXPECT_EQ(claim->reviewed_by, "agent-7");
  EXPECT_EQ(claim->decided_at, clock_.Now());
  EXPECT_FALSE(claim->settled_at.has_value()) << "to be paid";
  EXPECT_EQ(claim->items.size(), 10u);
  EXPECT_EQ(claim->items[0].outcome, "ACCEPTED");
  std::vector<v1::ClaimDecided> decided = Decided();
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_TRUE(decided[0].reviewed());
  EXPECT_EQ(decided[0].outcome(), "ACCEPTED");
  EXPECT_EQ(decided[0].items_accepted(), 10);
  EXPECT_EQ(decided[0].reimbursed_centimes(), 105000);
  EXPECT_EQ(published_, 1);
  EXPECT_EQ(Ids(*reviews_->List("DECIDED", 0, "")), (std::vector<std::string>{"R1"}));
  EXPECT_TRUE(reviews_->List("PENDING", 0, "")->claims.empty());
  EXPECT_NE(Metrics().find("himaya_claims_reviewed_total{decision=\"CONFIRM\",program=\"amo-tadamon\"} 1"),
            std::string::npos)
      << Metrics();
}

TEST_P(ClaimReviewsTest, RejectingRejectsEveryItemWithTheAgentsReasonAndSettlesTheFile) {
  InReview({"R1"});
  absl::StatusOr<Claim> claim = reviews_->Decide({"R1", ReviewVerdict::kReject, "agent-7", "FORGED_DOCUMENT"});
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->outcome, "REJECTED");
  EXPECT_EQ(claim->reimbursed_centimes, 0);
  EXPECT_EQ(claim->review_note, "FORGED_DOCUMENT");
  EXPECT_EQ(claim->settled_at, clock_.Now()) << "nothing to pay: the clock stops";
  for (const ClaimItemRecord& i : claim->items) {
    EXPECT_EQ(i.outcome, "REJECTED");
    EXPECT_EQ(i.reason, "REJECTED_BY_AGENT");
    EXPECT_EQ(i.reason_detail, "FORGED_DOCUMENT");
    EXPECT_EQ(i.reimbursed_centimes, 0);
  }
  std::vector<v1::ClaimDecided> decided = Decided();
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].outcome(), "REJECTED");
  EXPECT_EQ(decided[0].items_rejected(), 10);
  EXPECT_EQ(decided[0].reimbursed_centimes(), 0);
  EXPECT_TRUE(decided[0].reviewed());
  EXPECT_NE(Metrics().find("himaya_claims_processing_days_count{program=\"amo-tadamon\"} 1"), std::string::npos)
      << Metrics();
}

TEST_P(ClaimReviewsTest, AFileNotWaitingForAReviewIsRefused) {
  InReview({"R1"});
  Receive({.claim_id = "NEW"});
  ASSERT_TRUE(reviews_->Decide({"R1", ReviewVerdict::kConfirm, "agent-7", ""}).ok());
  absl::Status again = reviews_->Decide({"R1", ReviewVerdict::kReject, "agent-8", "LATE"}).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(again.message(), "NOT_IN_REVIEW: ")) << again;
  EXPECT_EQ(reviews_->Decide({"NEW", ReviewVerdict::kConfirm, "agent-7", ""}).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "still with the rules";
  EXPECT_EQ(reviews_->Decide({"NONE", ReviewVerdict::kConfirm, "agent-7", ""}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ClaimField("R1", "reviewed_by"), "agent-7") << "the first decision stands";
  EXPECT_EQ(Decided().size(), 1u);
}

TEST_P(ClaimReviewsTest, EachBadInputNamesItsField) {
  InReview({"R1"});
  const std::vector<std::pair<ReviewDecision, std::string>> bad = {
      {{"", ReviewVerdict::kConfirm, "agent-7", ""}, "claim_id"},
      {{"R1", ReviewVerdict::kConfirm, "", ""}, "agent: required"},
      {{"R1", ReviewVerdict::kConfirm, "agent 7", ""}, "agent: "},
      {{"R1", ReviewVerdict::kConfirm, std::string(65, 'a'), ""}, "agent: "},
      {{"R1", ReviewVerdict::kConfirm, "agent-7", "FORGED_DOCUMENT"}, "reason: only for REJECT"},
      {{"R1", ReviewVerdict::kReject, "agent-7", ""}, "reason: required"},
      {{"R1", ReviewVerdict::kReject, "agent-7", "forged"}, "reason: a code"},
      {{"R1", ReviewVerdict::kReject, "agent-7", std::string(65, 'A')}, "reason: a code"},
  };
  for (const auto& [decision, field] : bad) {
    absl::Status refused = reviews_->Decide(decision).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(refused.message().find(field), absl::string_view::npos) << refused << " for " << field;
  }
  EXPECT_EQ(ClaimField("R1", "state"), "IN_REVIEW");
}

TEST_P(ClaimReviewsTest, AFileWaitingPastTheThresholdIsEscalatedOnce) {
  InReview({"R1"});
  clock_.Advance(absl::Hours(72) - absl::Seconds(2));  // received a second before InReview's clock
  EXPECT_EQ(*reviews_->Escalate(), 0);
  EXPECT_EQ(ClaimField("R1", "escalated"), "0");
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(*reviews_->Escalate(), 1);
  EXPECT_EQ(ClaimField("R1", "escalated"), "1");
  EXPECT_EQ(*reviews_->Escalate(), 0) << "once";
  EXPECT_NE(Metrics().find("himaya_claims_review_escalated_total{program=\"amo-tadamon\"} 1"), std::string::npos)
      << Metrics();
  EXPECT_TRUE(reviews_->List("", 0, "")->claims[0].escalated);
}

INSTANTIATE_BACKENDS(ClaimReviewsTest);

}  // namespace
}  // namespace himaya::claims
