// PaymentRuns on both backends: a run groups a date's payable files per insured, the same date
// twice is the same run, instructions as the bank reads them, a confirmation pays each file once
// with ClaimPaid (no personal data), sends failed lines' files to the next run, counts lines
// confirmed twice, refuses a line confirmed the other way, and applies nothing when a line is bad.
#include "claims/src/payment_runs.h"

#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "claims/test/payment_database.h"
#include "core/status_macros.h"
#include "events/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/events.pb.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;

TEST(GroupIntoLinesTest, OneLinePerInsuredWithTheTotalOfTheirFiles) {
  std::vector<RunClaim> claims = {
      {"a1", "100000017", "", 200, 0, {}}, {"a2", "100000017", "", 300, 0, {}}, {"b1", "100000025", "", 500, 0, {}}};
  std::vector<PaymentLine> lines = GroupIntoLines(claims);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line, 1);
  EXPECT_EQ(lines[0].registration_number, "100000017");
  EXPECT_EQ(lines[0].claims, 2);
  EXPECT_EQ(lines[0].amount_centimes, 500);
  EXPECT_EQ(lines[1].line, 2);
  EXPECT_EQ(lines[1].claims, 1);
  EXPECT_EQ(lines[1].amount_centimes, 500);
  EXPECT_EQ(claims[0].line, 1);
  EXPECT_EQ(claims[1].line, 1);
  EXPECT_EQ(claims[2].line, 2);
  std::vector<RunClaim> none;
  EXPECT_TRUE(GroupIntoLines(none).empty());
}

TEST(RunIdOfTest, ARunIsNamedAfterItsDate) { EXPECT_EQ(RunIdOf(absl::CivilDay(2026, 3, 2)), "PAY-20260302"); }

class PaymentRunsTest : public PaymentDatabaseTest {
 protected:
  void SetUp() override {
    PaymentDatabaseTest::SetUp();
    PaymentRuns::Hooks hooks;
    hooks.on_paid = [this](const std::vector<RunClaim>& paid, absl::Time at) {
      for (const RunClaim& c : paid) paid_told_.push_back(c.claim_id);
      paid_at_told_ = at;
    };
    hooks.on_events = [this] { ++woken_; };
    runs_ = std::make_unique<PaymentRuns>(*db_, events::EventSource{"claims", &clock_, &random_}, hooks);
  }
  absl::StatusOr<ConfirmationResult> Confirm(const std::string& run_id, const std::string& records) {
    PaymentConfirmationReader reader(run_id);
    RETURN_IF_ERROR(reader.Feed(absl::StrCat("run_id,line,registration_number,status,reason\n", records)));
    ASSIGN_OR_RETURN(std::vector<ConfirmedLine> lines, reader.Finish());
    return runs_->Confirm(run_id, lines);
  }
  std::vector<v1::ClaimPaid> Paid() {
    std::vector<v1::ClaimPaid> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT payload, topic, message_key FROM outbox ORDER BY id")) {
      auto envelope = events::ParseEnvelope(r.Text(0));
      EXPECT_TRUE(envelope.ok());
      auto paid = events::Unpack<v1::ClaimPaid>(*envelope);
      EXPECT_TRUE(paid.ok());
      EXPECT_EQ(r.Text(1), "himaya.claims.amo-tns.v1");
      EXPECT_EQ(r.Text(2), paid->registration_number());
      out.push_back(*paid);
    }
    return out;
  }
  std::unique_ptr<PaymentRuns> runs_;
  std::vector<std::string> paid_told_;
  absl::Time paid_at_told_;
  int woken_ = 0;
};

TEST_P(PaymentRunsTest, ARunGroupsTheDecidedFilesPerInsured) {
  AddClaim("a1", "100000017", 200);
  AddClaim("b1", "100000025", 500);
  AddClaim("a2", "100000017", 300);
  AddClaim("rejected", "100000033", 0);
  auto run = runs_->Create("2026-03-02", "agent-7");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->run_id, "PAY-20260302");
  EXPECT_EQ(run->date, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(run->state, RunState::kOpen);
  EXPECT_EQ(run->claims, 3);
  EXPECT_EQ(run->insured, 2);
  EXPECT_EQ(run->total_centimes, 1000);
  EXPECT_EQ(run->created_by, "agent-7");
  EXPECT_EQ(StateOf("a2"), "IN_PAYMENT/PAY-20260302");
  EXPECT_EQ(StateOf("rejected"), "DECIDED/");
  auto csv = runs_->Instructions("PAY-20260302");
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv,
            "run_id,line,registration_number,claims,amount_centimes\n"
            "PAY-20260302,1,100000017,2,500\n"
            "PAY-20260302,2,100000025,1,500\n");
}

TEST_P(PaymentRunsTest, TheSameDateTwiceIsTheSameRunAndPaysNothingTwice) {
  AddClaim("a1", "100000017", 200);
  auto first = runs_->Create("2026-03-02", "agent-7");
  ASSERT_TRUE(first.ok()) << first.status();
  AddClaim("a2", "100000017", 300);
  auto again = runs_->Create("2026-03-02", "agent-8");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->run_id, first->run_id);
  EXPECT_EQ(again->claims, 1) << "a file decided since waits for the next date";
  EXPECT_EQ(again->created_by, "agent-7");
  EXPECT_EQ(StateOf("a2"), "DECIDED/");
  auto next = runs_->Create("2026-03-03", "agent-7");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->claims, 1);
  EXPECT_EQ(StateOf("a2"), "IN_PAYMENT/PAY-20260303");
}

TEST_P(PaymentRunsTest, NothingToPayKeepsNoRun) {
  AddClaim("rejected", "100000017", 0);
  auto run = runs_->Create("2026-03-02", "agent-7");
  EXPECT_EQ(run.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(run.status().message(), HasSubstr("NOTHING_TO_PAY"));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_runs"), 0);
  AddClaim("a1", "100000017", 200);
  EXPECT_TRUE(runs_->Create("2026-03-02", "agent-7").ok()) << "the date is still free";
}

TEST_P(PaymentRunsTest, ABadDateOrAuthorOrAnUnknownRunIsRefused) {
  for (const char* date : {"", "2026-3-2", "2026-02-30", "02/03/2026", "2026-03-02x"}) {
    EXPECT_EQ(runs_->Create(date, "agent").status().code(), absl::StatusCode::kInvalidArgument) << date;
  }
  EXPECT_EQ(runs_->Create("2026-03-02", std::string(65, 'a')).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runs_->Get("PAY-20990101").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(runs_->Get("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runs_->Instructions("PAY-20990101").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Confirm("PAY-20990101", "PAY-20990101,1,100000017,PAID,\n").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(PaymentRunsTest, InstructionsComeInPagesAfterTheHeader) {
  for (int i = 0; i < 5; ++i) AddClaim(absl::StrCat("c", i), absl::StrCat("10000001", i), 100 + i);
  ASSERT_TRUE(runs_->Create("2026-03-02", "agent-7").ok());
  auto first = runs_->ReadInstructionsPage("PAY-20260302", std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->csv,
            "run_id,line,registration_number,claims,amount_centimes\n"
            "PAY-20260302,1,100000010,1,100\nPAY-20260302,2,100000011,1,101\n");
  EXPECT_FALSE(first->last);
  EXPECT_EQ(first->next_after_line, 2);
  auto second = runs_->ReadInstructionsPage("PAY-20260302", 4, 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->csv, "PAY-20260302,5,100000014,1,104\n");
  EXPECT_TRUE(second->last);
}

TEST_P(PaymentRunsTest, PaidLinesPayTheirFilesOnceWithClaimPaidWithoutPersonalData) {
  AddClaim("a1", "100000017", 200);
  AddClaim("a2", "100000017", 300);
  AddClaim("b1", "100000025", 500);
  ASSERT_TRUE(runs_->Create("2026-03-02", "agent-7").ok());
  clock_.Advance(absl::Hours(30));
  auto result = Confirm("PAY-20260302", "PAY-20260302,1,100000017,PAID,\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->lines_paid, 1);
  EXPECT_EQ(result->claims_paid, 2);
  EXPECT_FALSE(result->run_confirmed);
  EXPECT_EQ(StateOf("a1"), "PAID/PAY-20260302");
  EXPECT_EQ(StateOf("b1"), "IN_PAYMENT/PAY-20260302");
  std::vector<v1::ClaimPaid> paid = Paid();
  ASSERT_EQ(paid.size(), 2u);
  EXPECT_EQ(paid[0].claim_id(), "a1");
  EXPECT_EQ(paid[0].registration_number(), "100000017");
  EXPECT_EQ(paid[0].program(), "amo-tns");
  EXPECT_EQ(paid[0].run_id(), "PAY-20260302");
  EXPECT_EQ(paid[0].paid_centimes(), 200);
  EXPECT_EQ(paid[0].paid_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(paid[1].claim_id(), "a2");
  // Codes, numbers and amounts only: every field of ClaimPaid is one of these.
  EXPECT_EQ(v1::ClaimPaid::descriptor()->field_count(), 6);
  EXPECT_THAT(paid_told_, ::testing::ElementsAre("a1", "a2"));
  EXPECT_EQ(paid_at_told_, clock_.Now());
  EXPECT_EQ(woken_, 1);

  auto twice = Confirm("PAY-20260302", "PAY-20260302,1,100000017,PAID,\nPAY-20260302,2,100000025,PAID,\n");
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(twice->lines_already_confirmed, 1);
  EXPECT_EQ(twice->lines_paid, 1);
  EXPECT_EQ(twice->claims_paid, 1);
  EXPECT_TRUE(twice->run_confirmed);
  EXPECT_EQ(Paid().size(), 3u) << "a file is paid once";
  auto run = runs_->Get("PAY-20260302");
  EXPECT_EQ(run->state, RunState::kConfirmed);
  EXPECT_EQ(run->lines_paid, 2);

  auto third = Confirm("PAY-20260302", "PAY-20260302,2,100000025,PAID,\n");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->lines_already_confirmed, 1);
  EXPECT_EQ(third->claims_paid, 0);
  EXPECT_EQ(Paid().size(), 3u);
  EXPECT_EQ(runs_->Create("2026-03-03", "agent-7").status().code(), absl::StatusCode::kFailedPrecondition)
      << "a paid file is in no later run";
}

TEST_P(PaymentRunsTest, AFailedLinesFilesGoToTheNextRun) {
  AddClaim("a1", "100000017", 200);
  AddClaim("b1", "100000025", 500);
  ASSERT_TRUE(runs_->Create("2026-03-02", "agent-7").ok());
  auto result = Confirm("PAY-20260302", "PAY-20260302,1,100000017,PAID,\nPAY-20260302,2,100000025,FAILED,BAD_RIB\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->lines_failed, 1);
  EXPECT_EQ(result->claims_returned, 1);
  EXPECT_TRUE(result->run_confirmed);
  EXPECT_EQ(StateOf("b1"), "DECIDED/");
  EXPECT_EQ(Paid().size(), 1u);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_lines WHERE status = 'FAILED' AND reason = 'BAD_RIB'"),
            1);
  auto next = runs_->Create("2026-03-03", "agent-7");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->claims, 1);
  EXPECT_EQ(next->total_centimes, 500);
  EXPECT_EQ(StateOf("b1"), "IN_PAYMENT/PAY-20260303");
  auto paid = Confirm("PAY-20260303", "PAY-20260303,1,100000025,PAID,\n");
  ASSERT_TRUE(paid.ok()) << paid.status();
  EXPECT_EQ(paid->claims_paid, 1);
  EXPECT_EQ(StateOf("b1"), "PAID/PAY-20260303");
  auto again = Confirm("PAY-20260302", "PAY-20260302,2,100000025,FAILED,BAD_RIB\n");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->lines_already_confirmed, 1);
  EXPECT_EQ(again->claims_returned, 0) << "the file paid by the next run stays paid";
  EXPECT_EQ(StateOf("b1"), "PAID/PAY-20260303");
}

TEST_P(PaymentRunsTest, ALineConfirmedTheOtherWayIsRefusedAndNothingApplied) {
  AddClaim("a1", "100000017", 200);
  AddClaim("b1", "100000025", 500);
  ASSERT_TRUE(runs_->Create("2026-03-02", "agent-7").ok());
  ASSERT_TRUE(Confirm("PAY-20260302", "PAY-20260302,2,100000025,FAILED,BAD_RIB\n").ok());
  auto refused = Confirm("PAY-20260302", "PAY-20260302,1,100000017,PAID,\nPAY-20260302,2,100000025,PAID,\n");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("line 2 (record 2): confirmed FAILED before, this file says PAID"));
  EXPECT_EQ(StateOf("a1"), "IN_PAYMENT/PAY-20260302") << "line 1 was not applied either";
  EXPECT_TRUE(Paid().empty());
}

TEST_P(PaymentRunsTest, ABadLineAppliesNothing) {
  AddClaim("a1", "100000017", 200);
  AddClaim("b1", "100000025", 500);
  ASSERT_TRUE(runs_->Create("2026-03-02", "agent-7").ok());
  auto unknown = Confirm("PAY-20260302", "PAY-20260302,1,100000017,PAID,\nPAY-20260302,3,100000033,PAID,\n");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("line 3 (record 2): the run has no such line"));
  auto mismatch = Confirm("PAY-20260302", "PAY-20260302,1,100000017,PAID,\nPAY-20260302,2,100000017,FAILED,X\n");
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatch.status().message(), HasSubstr("line 2 (record 2): registration_number is not the line's"));
  EXPECT_FALSE(absl::StrContains(mismatch.status().message(), "100000017")) << "no number in the error";
  EXPECT_EQ(StateOf("a1"), "IN_PAYMENT/PAY-20260302");
  EXPECT_EQ(StateOf("b1"), "IN_PAYMENT/PAY-20260302");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_lines WHERE status <> 'PENDING'"), 0);
  EXPECT_TRUE(Paid().empty());
  EXPECT_EQ(woken_, 0);
}

TEST_P(PaymentRunsTest, RunsAskedAtOnceShareNoFileAndADateKeepsOneRun) {
  for (int i = 0; i < 40; ++i) AddClaim(absl::StrCat("c", i), absl::StrCat("10000001", i % 10), 100);
  const std::vector<std::string> dates = {"2026-03-02", "2026-03-02", "2026-03-03", "2026-03-03"};
  std::vector<absl::StatusOr<PaymentRun>> results(dates.size(), absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < dates.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = runs_->Create(dates[i], "agent-7"); });
  }
  for (std::thread& t : threads) t.join();
  std::map<std::string, int64_t> claims_by_run;
  for (size_t i = 0; i < dates.size(); ++i) {
    if (!results[i].ok()) {
      EXPECT_THAT(results[i].status().message(), HasSubstr("NOTHING_TO_PAY")) << results[i].status();
      continue;
    }
    EXPECT_EQ(results[i]->run_id, RunIdOf(results[i]->date));
    auto [it, fresh] = claims_by_run.emplace(results[i]->run_id, results[i]->claims);
    if (!fresh) {
      EXPECT_EQ(it->second, results[i]->claims) << "the same date's run, seen twice";
    }
  }
  int64_t total = 0;
  for (const auto& [run, claims] : claims_by_run) total += claims;
  EXPECT_EQ(total, 40);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_runs"), static_cast<int64_t>(claims_by_run.size()));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(DISTINCT claim_id) FROM payment_line_claims"), 40);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_line_claims"), 40) << "no file in two runs";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claims WHERE state = 'IN_PAYMENT'"), 40);
}

INSTANTIATE_BACKENDS(PaymentRunsTest);

}  // namespace
}  // namespace himaya::claims
