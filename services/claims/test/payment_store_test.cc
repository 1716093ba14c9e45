// PaymentStore on both backends: runs found by id and by date (one per date), payable files
// taken once and only those, lines read back in pages with the run's figures, lines confirmed
// only while pending (many per statement), and the files of paid and failed lines settled or
// returned.
#include "claims/src/payment_store.h"

#include "claims/test/payment_database.h"
#include "gtest/gtest.h"

namespace himaya::claims {
namespace {

class PaymentStoreTest : public PaymentDatabaseTest {
 protected:
  absl::Status InsertRun(const std::string& run_id, absl::CivilDay date) {
    PaymentRun run;
    run.run_id = run_id;
    run.date = date;
    run.created_by = "agent-7";
    run.created_at = clock_.Now();
    return db_->Write([&](storage::Transaction& tx) { return PaymentStore::InsertRun(tx, run); });
  }
  std::vector<RunClaim> Take(const std::string& run_id) {
    return testing::InWrite(*db_,
                            [&](storage::Transaction& tx) { return PaymentStore::TakePayableClaims(tx, run_id); });
  }
  // A run of one line per insured of `numbers`, each with one file "<number>-c" of 100 centimes.
  void RunWithLines(const std::string& run_id, const std::vector<std::string>& numbers) {
    ASSERT_TRUE(InsertRun(run_id, absl::CivilDay(2026, 3, 2)).ok());
    std::vector<PaymentLine> lines;
    std::vector<RunClaim> claims;
    for (const std::string& n : numbers) {
      AddClaim(n + "-c", n, 100);
      const int64_t line = static_cast<int64_t>(lines.size()) + 1;
      lines.push_back({line, n, 1, 100, LineStatus::kPending, ""});
      claims.push_back({n + "-c", n, "", 100, line, clock_.Now()});
    }
    ASSERT_EQ(Take(run_id).size(), numbers.size());
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return PaymentStore::InsertLines(tx, run_id, lines, claims); })
            .ok());
  }
  std::optional<PaymentRun> Find(const std::string& run_id) {
    return testing::InWrite(*db_, [&](storage::Transaction& tx) { return PaymentStore::FindRun(tx, run_id); });
  }
  std::vector<PaymentLine> Lines(const std::string& run_id, int64_t after, int limit) {
    return testing::InWrite(*db_,
                            [&](storage::Transaction& tx) { return PaymentStore::Lines(tx, run_id, after, limit); });
  }
};

TEST_P(PaymentStoreTest, ARunIsFoundByIdAndByDateAndADateHoldsOne) {
  ASSERT_TRUE(InsertRun("PAY-20260302", absl::CivilDay(2026, 3, 2)).ok());
  std::optional<PaymentRun> run = Find("PAY-20260302");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->date, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(run->state, RunState::kOpen);
  EXPECT_EQ(run->created_by, "agent-7");
  EXPECT_EQ(run->created_at, clock_.Now());
  EXPECT_FALSE(run->confirmed_at.has_value());
  EXPECT_EQ(run->claims, 0);
  auto by_date = testing::InWrite(
      *db_, [&](storage::Transaction& tx) { return PaymentStore::FindRunOfDate(tx, absl::CivilDay(2026, 3, 2)); });
  ASSERT_TRUE(by_date.has_value());
  EXPECT_EQ(by_date->run_id, "PAY-20260302");
  EXPECT_FALSE(Find("PAY-20260303").has_value());
  EXPECT_EQ(InsertRun("OTHER", absl::CivilDay(2026, 3, 2)).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(InsertRun("PAY-20260302", absl::CivilDay(2026, 3, 3)).code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(PaymentStoreTest, OnlyDecidedFilesWithSomethingToPayInNoRunAreTakenOnce) {
  AddClaim("b1", "100000025", 500);
  AddClaim("a2", "100000017", 300);
  AddClaim("a1", "100000017", 200);
  AddClaim("rejected", "100000017", 0);
  AddClaim("received", "100000017", 0, "RECEIVED");
  AddClaim("in-review", "100000017", 900, "IN_REVIEW");
  AddClaim("paid", "100000017", 900, "PAID");
  ASSERT_TRUE(InsertRun("R1", absl::CivilDay(2026, 3, 2)).ok());
  std::vector<RunClaim> taken = Take("R1");
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_EQ(taken[0].claim_id, "a1");
  EXPECT_EQ(taken[1].claim_id, "a2");
  EXPECT_EQ(taken[2].claim_id, "b1");
  EXPECT_EQ(taken[2].registration_number, "100000025");
  EXPECT_EQ(taken[2].program, "amo-tns");
  EXPECT_EQ(taken[2].amount_centimes, 500);
  EXPECT_EQ(StateOf("a1"), "IN_PAYMENT/R1");
  EXPECT_EQ(StateOf("rejected"), "DECIDED/");
  EXPECT_EQ(StateOf("in-review"), "IN_REVIEW/");
  EXPECT_EQ(StateOf("paid"), "PAID/");
  ASSERT_TRUE(InsertRun("R2", absl::CivilDay(2026, 3, 3)).ok());
  EXPECT_TRUE(Take("R2").empty()) << "files in an open run are not taken again";
}

TEST_P(PaymentStoreTest, LinesReadBackInPagesWithTheRunsFigures) {
  RunWithLines("R1", {"100000017", "100000025", "100000033"});
  std::vector<PaymentLine> first = Lines("R1", 0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].line, 1);
  EXPECT_EQ(first[0].registration_number, "100000017");
  EXPECT_EQ(first[0].claims, 1);
  EXPECT_EQ(first[0].amount_centimes, 100);
  EXPECT_EQ(first[0].status, LineStatus::kPending);
  std::vector<PaymentLine> rest = Lines("R1", 2, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].line, 3);
  std::optional<PaymentRun> run = Find("R1");
  EXPECT_EQ(run->insured, 3);
  EXPECT_EQ(run->claims, 3);
  EXPECT_EQ(run->total_centimes, 300);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_line_claims WHERE run_id = 'R1' AND line = 2"), 1);
}

TEST_P(PaymentStoreTest, LinesAreConfirmedOnlyWhilePendingManyPerStatement) {
  std::vector<std::string> numbers;
  for (int i = 0; i < 300; ++i) numbers.push_back(absl::StrCat("1000", 10000 + i));
  RunWithLines("R1", numbers);
  const absl::Time at = clock_.Now() + absl::Hours(1);
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                   if (absl::Status s = PaymentStore::MarkLineFailed(tx, "R1", 300, "ACCOUNT_CLOSED", at); !s.ok()) {
                     return s;
                   }
                   std::vector<int64_t> paid;
                   for (int64_t l = 1; l <= 300; ++l) paid.push_back(l);
                   return PaymentStore::MarkLinesPaid(tx, "R1", paid, at);
                 })
                  .ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_lines WHERE status = 'PAID' AND confirmed_at_us = $1",
                           {absl::ToUnixMicros(at)}),
            299);
  std::vector<PaymentLine> last = Lines("R1", 299, 10);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].status, LineStatus::kFailed) << "a confirmed line keeps its status";
  EXPECT_EQ(last[0].reason, "ACCOUNT_CLOSED");
  std::optional<PaymentRun> run = Find("R1");
  EXPECT_EQ(run->lines_paid, 299);
  EXPECT_EQ(run->lines_failed, 1);
}

TEST_P(PaymentStoreTest, PaidLinesFilesAreSettledFailedLinesFilesReturnedAndTheRunConfirmedWhenNoLineWaits) {
  RunWithLines("R1", {"100000017", "100000025", "100000033"});
  const absl::Time at = clock_.Now() + absl::Hours(2);
  auto step = [&](const std::function<absl::Status(storage::Transaction&)>& fn) { ASSERT_TRUE(db_->Write(fn).ok()); };
  step([&](storage::Transaction& tx) { return PaymentStore::MarkLinesPaid(tx, "R1", {1}, at); });
  step([&](storage::Transaction& tx) { return PaymentStore::MarkLineFailed(tx, "R1", 2, "BAD_RIB", at); });
  auto settled =
      testing::InWrite(*db_, [&](storage::Transaction& tx) { return PaymentStore::SettlePaidClaims(tx, "R1", at); });
  ASSERT_EQ(settled.size(), 1u);
  EXPECT_EQ(settled[0].claim_id, "100000017-c");
  EXPECT_EQ(settled[0].line, 1);
  EXPECT_EQ(settled[0].amount_centimes, 100);
  EXPECT_EQ(StateOf("100000017-c"), "PAID/R1");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims WHERE paid_at_us = $1 AND settled_at_us = $1",
                           {absl::ToUnixMicros(at)}),
            1);
  EXPECT_TRUE(
      testing::InWrite(*db_, [&](storage::Transaction& tx) { return PaymentStore::SettlePaidClaims(tx, "R1", at); })
          .empty())
      << "a file is settled once";
  EXPECT_EQ(
      testing::InWrite(*db_, [&](storage::Transaction& tx) { return PaymentStore::ReturnFailedClaims(tx, "R1"); }), 1);
  EXPECT_EQ(StateOf("100000025-c"), "DECIDED/");
  EXPECT_EQ(StateOf("100000033-c"), "IN_PAYMENT/R1");
  EXPECT_FALSE(testing::InWrite(*db_, [&](storage::Transaction& tx) {
    return PaymentStore::ConfirmRunIfComplete(tx, "R1", at);
  })) << "line 3 waits";
  step([&](storage::Transaction& tx) { return PaymentStore::MarkLinesPaid(tx, "R1", {3}, at); });
  EXPECT_TRUE(testing::InWrite(
      *db_, [&](storage::Transaction& tx) { return PaymentStore::ConfirmRunIfComplete(tx, "R1", at); }));
  EXPECT_EQ(Find("R1")->state, RunState::kConfirmed);
  EXPECT_EQ(Find("R1")->confirmed_at, at);
}

INSTANTIATE_BACKENDS(PaymentStoreTest);

}  // namespace
}  // namespace himaya::claims
