// Family allowance runs on both backends: a draft over every household (an amount or a reason
// for each), computed in pages with the same report as in one, recomputed in draft with the
// same report, resumed after a stop; approval; payment lines with registration's accounts
// (NO_PAYMENT_MODE without one); the bank's confirmation (AllowancePaid, the ledger, a failed
// line owed again next month, a confirmation imported twice, two imports of the same file at
// once); two months approved at once; a backdated removal recovered.
#include "beneficiary/src/allowance_runs.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/src/suspension_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "beneficiary/test/fake_registration_directory.h"
#include "core/status_macros.h"
#include "events/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/events.pb.h"
#include "identity/registration_number.h"
#include "testing/queries.h"

namespace himaya::beneficiary {
namespace {

using payment_file::ConfirmedLine;
using payment_file::LineStatus;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kRules[] = R"({"start_month": "2026-03", "child_age_limit": 12, "apprentice_age_limit": 18,
    "student_age_limit": 21, "disabled_child_without_age_limit": true,
    "amounts_by_rank_centimes": [30000, 30000, 30000, 3600, 3600, 3600], "back_pay_months": 12})";

std::string Number(int i) { return identity::FormatRegistrationNumber(identity::kFirstSequence + i); }

// A clock whose first `callers` readings wait for each other (up to a deadline): two
// confirmations reading it between their checks and their writes both check before either writes.
class GatheringClock final : public core::Clock {
 public:
  GatheringClock(const core::Clock& inner, int callers) : inner_(inner), callers_(callers) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    if (arrived_ < callers_) {
      ++arrived_;
      const absl::Time deadline = absl::Now() + absl::Seconds(10);
      while (arrived_ < callers_ &&
             !mu_.AwaitWithDeadline(absl::Condition(this, &GatheringClock::AllArrived), deadline)) {
      }
    }
    return inner_.Now();
  }

 private:
  bool AllArrived() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return arrived_ >= callers_; }
  const core::Clock& inner_;
  const int callers_;
  mutable absl::Mutex mu_;
  mutable int arrived_ ABSL_GUARDED_BY(mu_) = 0;
};

class AllowanceRunsTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone()));
    runs_ = NewRuns(1000);
  }
  std::unique_ptr<AllowanceRuns> NewRuns(int page) {
    AllowanceRunsOptions options;
    options.page_households = page;
    return std::make_unique<AllowanceRuns>(*db_, rules_, registration_, clock_,
                                           events::EventSource{"beneficiary", &clock_, &random_}, options);
  }
  // An insured of the program; not registered: known only from its household's event.
  void Insured(const std::string& number, bool registered = true, const std::string& region = "Souss-Massa") {
    InWrite([&](storage::Transaction& tx) {
      if (!registered) {
        return InsuredStore::RecordEnrolment(
            tx, {number, kFamilyAllowancesProgram, "", "HouseholdMemberDeclared", absl::CivilDay(2025, 1, 1)});
      }
      return InsuredStore::RecordRegistered(
          tx, {number, kFamilyAllowancesProgram, "RSU", "Agadir", region, absl::CivilDay(2025, 1, 1), true, 0});
    });
  }
  // A child of `number`'s family, rank `rank`, covered from 2025-01-01 (to `end` when given).
  void Child(const std::string& number, int rank, absl::CivilDay birth, std::optional<absl::CivilDay> end = {},
             DependentState state = DependentState::kActive) {
    Dependent d;
    d.beneficiary_id = DependentId(number, rank);
    d.registration_number = number;
    d.relationship = kChild;
    if (state == DependentState::kActive) {
      d.first_name = "Sara";
      d.last_name = "Alaoui";
      d.birth_date = birth;
      d.sex = "F";
      d.identity_key = IdentityKey(d.last_name, absl::StrCat(d.first_name, rank, number), birth);
    }
    d.program = kFamilyAllowancesProgram;
    d.source = kSourceLiaisonBatch;
    d.state = state;
    d.declared_at = clock_.Now();
    d.periods.push_back({absl::CivilDay(2025, 1, 1), end, end ? "DEATH" : "", ""});
    ASSERT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); }).ok());
  }
  void EndChild(const std::string& number, int rank, absl::CivilDay end) {
    ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  return BeneficiaryStore::EndPeriod(tx, DependentId(number, rank), end, "DEATH", "").status();
                }).ok());
  }
  // Starts and computes the run of `month`; its report.
  std::string Run(const std::string& month, AllowanceRuns* runs = nullptr) {
    runs = runs ? runs : runs_.get();
    absl::StatusOr<AllowanceRun> run = runs->Start(month, "agent.amal");
    EXPECT_TRUE(run.ok()) << run.status();
    if (!run.ok()) return "";
    absl::Status computed = runs->Compute(run->record.run_id);
    EXPECT_TRUE(computed.ok()) << computed;
    absl::StatusOr<std::string> report = runs->Report(run->record.run_id);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : "";
  }
  // Runs, approves and pays `month`; its payment file.
  std::string Paid(const std::string& month) {
    Run(month);
    const std::string run_id = AllowanceRunId(*ParseMonth(month));
    EXPECT_TRUE(runs_->Approve(run_id, "agent.omar").ok());
    absl::StatusOr<AllowanceRun> paying = runs_->Pay(run_id);
    EXPECT_TRUE(paying.ok()) << paying.status();
    absl::StatusOr<std::string> file = runs_->PaymentFile(run_id);
    EXPECT_TRUE(file.ok()) << file.status();
    return file.ok() ? *file : "";
  }
  static ConfirmedLine Line(int64_t line, const std::string& number, LineStatus status,
                            const std::string& reason = "") {
    ConfirmedLine c;
    c.record = line;
    c.line = line;
    c.registration_number = number;
    c.status = status;
    c.reason = reason;
    return c;
  }
  // Every line of the run's payment file confirmed PAID.
  void ConfirmAll(const std::string& run_id) {
    absl::StatusOr<std::string> file = runs_->PaymentFile(run_id);
    ASSERT_TRUE(file.ok());
    std::vector<ConfirmedLine> lines;
    for (absl::string_view row : absl::StrSplit(*file, '\n', absl::SkipEmpty())) {
      std::vector<std::string> f = absl::StrSplit(row, ',');
      if (f[0] == "run_id") continue;
      lines.push_back(Line(std::stoll(f[1]), f[2], LineStatus::kPaid));
    }
    ASSERT_TRUE(runs_->Confirm(run_id, lines).ok());
  }

  AllowanceRules rules_ = *AllowanceRules::Parse(kRules);
  FakeRegistrationDirectory registration_;
  std::unique_ptr<AllowanceRuns> runs_;
};

TEST_P(AllowanceRunsTest, EveryHouseholdEndsWithAnAmountOrAReason) {
  Insured(Number(1));  // two young children and one grown
  Child(Number(1), 1, absl::CivilDay(2010, 1, 1));
  Child(Number(1), 2, absl::CivilDay(2016, 5, 1));
  Child(Number(1), 3, absl::CivilDay(2019, 5, 1));
  Insured(Number(2));  // grown up
  Child(Number(2), 1, absl::CivilDay(2012, 1, 1));
  Insured(Number(3));  // waiting for its child's details
  Child(Number(3), 1, absl::CivilDay(), std::nullopt, DependentState::kDetailsPending);
  Insured(Number(4), false);  // known from its household only
  Child(Number(4), 1, absl::CivilDay(2020, 1, 1));
  Insured(Number(5));  // its only child died in February
  Child(Number(5), 1, absl::CivilDay(2020, 1, 1), absl::CivilDay(2026, 2, 10));
  const std::string report = Run("2026-03");
  EXPECT_EQ(report, absl::StrCat(kAllowanceReportHeader,                       //
                                 Number(1), ",2,60000,0,0,\n",                 //
                                 Number(2), ",0,0,0,0,NO_CHILD_WITH_RIGHT\n",  //
                                 Number(3), ",0,0,0,0,DETAILS_PENDING\n",      //
                                 Number(4), ",0,0,0,0,INSURED_NOT_COVERED\n",  //
                                 Number(5), ",0,0,0,0,NO_CHILD_WITH_RIGHT\n"));
  absl::StatusOr<AllowanceRun> run = runs_->Get("ALW-202603");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->record.state, kRunDraft);
  EXPECT_TRUE(run->record.complete);
  EXPECT_EQ(run->totals.households, 5);
  EXPECT_EQ(run->totals.households_with_amount, 1);
  EXPECT_EQ(run->totals.children_with_right, 2);
  EXPECT_EQ(run->totals.net_centimes, 60000);
}

TEST_P(AllowanceRunsTest, PagesRerunsAndAResumedDraftGiveTheSameReport) {
  for (int i = 1; i <= 7; ++i) {
    Insured(Number(i));
    for (int c = 1; c <= i; ++c) Child(Number(i), c, absl::CivilDay(2010 + c, i, 1));
  }
  const std::string whole = Run("2026-03");
  std::unique_ptr<AllowanceRuns> paged = NewRuns(2);
  EXPECT_EQ(Run("2026-03", paged.get()), whole) << "pages of two, recomputed in draft";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_households"), 7);
  EXPECT_EQ(testing::Count(*db_, "SELECT generation FROM allowance_runs"), 2) << "computed twice";
  // Stopped after its first page: the draft is unfinished, then resumed where it was.
  ASSERT_TRUE(paged->Start("2026-03", "").ok());
  int pages = 0;
  absl::Status stopped = paged->Compute("ALW-202603", [&] { return ++pages > 1; });
  EXPECT_EQ(stopped.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_households"), 2);
  EXPECT_EQ(runs_->Report("ALW-202603").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(runs_->Approve("ALW-202603", "agent.omar").status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(runs_->ComputeUnfinished().ok());
  EXPECT_EQ(*runs_->Report("ALW-202603"), whole);
}

TEST_P(AllowanceRunsTest, BadRequestsAreRefusedWithTheirField) {
  EXPECT_THAT(std::string(runs_->Start("2026-3", "").status().message()), StartsWith("month:"));
  EXPECT_THAT(std::string(runs_->Start("2026-02", "").status().message()), HasSubstr("start in 2026-03"));
  EXPECT_THAT(std::string(runs_->Start("2026-03", std::string(65, 'a')).status().message()), StartsWith("created_by:"));
  EXPECT_EQ(runs_->Get("ALW-202604").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(runs_->Approve("ALW-202604", "agent").status().code(), absl::StatusCode::kNotFound);
  Run("2026-03");
  EXPECT_THAT(std::string(runs_->Approve("ALW-202603", "").status().message()), StartsWith("agent:"));
  EXPECT_EQ(runs_->Pay("ALW-202603").status().code(), absl::StatusCode::kFailedPrecondition) << "a draft";
  EXPECT_EQ(runs_->PaymentFile("ALW-202603").status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<AllowanceRun> approved = runs_->Approve("ALW-202603", "agent.omar");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->record.state, kRunApproved);
  EXPECT_EQ(approved->record.approved_by, "agent.omar");
  absl::Status again = runs_->Start("2026-03", "").status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.message()), StartsWith("RUN_NOT_DRAFT"));
  EXPECT_EQ(runs_->Approve("ALW-202603", "agent.omar").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(AllowanceRunsTest, PaymentLinesConfirmationAndTheNextMonthsArrears) {
  Insured(Number(1), true, "Souss-Massa");  // paid
  Child(Number(1), 1, absl::CivilDay(2016, 1, 1));
  registration_.AddAccount(Number(1), "BANK_TRANSFER", "011780000012345678901266");
  Insured(Number(2), true, "Oriental");  // no payment mode
  Child(Number(2), 1, absl::CivilDay(2016, 1, 1));
  Insured(Number(3), true, "Oriental");  // the bank fails the line
  Child(Number(3), 1, absl::CivilDay(2016, 1, 1));
  Child(Number(3), 2, absl::CivilDay(2017, 1, 1));
  registration_.AddAccount(Number(3), "MOBILE_WALLET", "0612345678");
  Insured(Number(4));  // nothing to pay
  Child(Number(4), 1, absl::CivilDay(2000, 1, 1));
  const std::string file = Paid("2026-03");
  EXPECT_EQ(file, absl::StrCat(kAllowancePaymentHeader,                                                        //
                               "ALW-202603,1,", Number(1), ",BANK_TRANSFER,011780000012345678901266,30000\n",  //
                               "ALW-202603,2,", Number(3), ",MOBILE_WALLET,0612345678,60000\n"));
  EXPECT_EQ(registration_.account_calls(), 1) << "one call for the page";
  absl::StatusOr<AllowanceRun> run = runs_->Get("ALW-202603");
  EXPECT_EQ(run->record.state, kRunInPayment);
  EXPECT_EQ(run->totals.lines, 2);
  EXPECT_EQ(run->totals.no_payment_mode, 1);
  EXPECT_THAT(*runs_->Report("ALW-202603"), HasSubstr(absl::StrCat(Number(2), ",1,30000,0,0,NO_PAYMENT_MODE\n")));
  EXPECT_TRUE(runs_->Pay("ALW-202603").ok()) << "paying again changes nothing";
  EXPECT_EQ(*runs_->PaymentFile("ALW-202603"), file);

  // Bad confirmations change nothing.
  EXPECT_EQ(runs_->Confirm("ALW-202603", {Line(9, Number(1), LineStatus::kPaid)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runs_->Confirm("ALW-202603", {Line(1, Number(3), LineStatus::kPaid)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<ConfirmedLine> confirmation = {Line(1, Number(1), LineStatus::kPaid),
                                                   Line(2, Number(3), LineStatus::kFailed, "ACCOUNT_CLOSED")};
  absl::StatusOr<AllowanceConfirmation> confirmed = runs_->Confirm("ALW-202603", confirmation);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->lines_paid, 1);
  EXPECT_EQ(confirmed->lines_failed, 1);
  EXPECT_TRUE(confirmed->run_paid);
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunPaid);
  absl::StatusOr<AllowanceConfirmation> twice = runs_->Confirm("ALW-202603", confirmation);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->lines_already_confirmed, 2);
  EXPECT_EQ(twice->lines_paid, 0);
  EXPECT_EQ(runs_->Confirm("ALW-202603", {Line(2, Number(3), LineStatus::kPaid)}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_credits"), 1);

  auto rows = testing::Rows(*db_, "SELECT topic, payload FROM outbox");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "himaya.beneficiary.family-allowances.v1");
  EXPECT_FALSE(absl::StrContains(rows[0].Text(1), "011780000012345678901266"));
  auto event = events::Unpack<v1::AllowancePaid>(*events::ParseEnvelope(rows[0].Text(1)));
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->registration_number(), Number(1));
  EXPECT_EQ(event->program(), "family-allowances");
  EXPECT_EQ(event->run_id(), "ALW-202603");
  EXPECT_EQ(event->month(), "2026-03");
  EXPECT_EQ(event->children_with_right(), 1);
  EXPECT_EQ(event->paid_centimes(), 30000);
  EXPECT_EQ(event->paid_on(), "2026-03-02");

  // April: the failed line and the household without a payment mode owe March.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 4, 2, 9, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Run("2026-04"), absl::StrCat(kAllowanceReportHeader,            //
                                         Number(1), ",1,30000,0,0,\n",      //
                                         Number(2), ",1,30000,30000,0,\n",  //
                                         Number(3), ",2,60000,60000,0,\n",  //
                                         Number(4), ",0,0,0,0,NO_CHILD_WITH_RIGHT\n"));
}

TEST_P(AllowanceRunsTest, AConfirmationImportedTwiceAtOnceCreditsOnce) {
  for (int i = 1; i <= 3; ++i) {
    Insured(Number(i));
    Child(Number(i), 1, absl::CivilDay(2016, 1, 1));
    registration_.AddAccount(Number(i), "MOBILE_WALLET", absl::StrCat("061234567", i));
  }
  Paid("2026-03");
  // Two imports of the same file at once, each in its own transaction, both checking their lines
  // PENDING before either writes (on PostgreSQL; SQLite runs writes one after the other, so there
  // they do not wait for each other). Lines 1 and 2 first (the run stays IN_PAYMENT), then line 3.
  const bool at_once = GetParam() == testing::Backend::kPostgres;
  auto confirm_at_once = [&](const std::vector<ConfirmedLine>& lines) {
    GatheringClock clock(clock_, at_once ? 2 : 0);
    auto runs = std::make_unique<AllowanceRuns>(*db_, rules_, registration_, clock,
                                                events::EventSource{"beneficiary", &clock, &random_});
    absl::StatusOr<AllowanceConfirmation> a, b;
    std::thread other([&] { b = runs->Confirm("ALW-202603", lines); });
    a = runs->Confirm("ALW-202603", lines);
    other.join();
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(a->lines_paid + b->lines_paid, static_cast<int64_t>(lines.size())) << "each line paid by one import";
    EXPECT_EQ(a->lines_already_confirmed + b->lines_already_confirmed, static_cast<int64_t>(lines.size()));
  };
  confirm_at_once({Line(1, Number(1), LineStatus::kPaid), Line(2, Number(2), LineStatus::kPaid)});
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunInPayment);
  confirm_at_once({Line(3, Number(3), LineStatus::kPaid)});
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunPaid);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_credits WHERE credited_centimes = 30000"), 3)
      << "each household credited its month once";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_credits"), 3);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox"), 3) << "one AllowancePaid per line";
}

TEST_P(AllowanceRunsTest, RunsOfDifferentMonthsAreKeptInOrder) {
  Insured(Number(1));
  Child(Number(1), 1, absl::CivilDay(2016, 1, 1));
  registration_.AddAccount(Number(1), "MOBILE_WALLET", "0612345678");
  auto refused = [](const absl::Status& status, absl::string_view code) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(std::string(status.message()), StartsWith(std::string(code))) << status;
  };
  // April's draft computed while March is a draft: March not credited yet, April owes it.
  Run("2026-03");
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 4, 2, 9, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Run("2026-04"), absl::StrCat(kAllowanceReportHeader, Number(1), ",1,30000,30000,0,\n"));
  ASSERT_TRUE(runs_->Approve("ALW-202603", "agent.omar").ok());
  // March being paid: April is neither started nor approved, whatever its state.
  refused(runs_->Start("2026-04", "agent.amal").status(), kRunInProgress);
  refused(runs_->Approve("ALW-202604", "agent.omar").status(), kRunInProgress);
  ASSERT_TRUE(runs_->Pay("ALW-202603").ok());
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunInPayment);
  refused(runs_->Start("2026-05", "agent.amal").status(), kRunInProgress);
  refused(runs_->Approve("ALW-202604", "agent.omar").status(), kRunInProgress);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 4, 3, 9, 0, 0), absl::UTCTimeZone()));
  ConfirmAll("ALW-202603");
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunPaid);
  // April's draft, computed before March was paid, would pay March again.
  refused(runs_->Approve("ALW-202604", "agent.omar").status(), kDraftOutdated);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 4, 4, 9, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Run("2026-04"), absl::StrCat(kAllowanceReportHeader, Number(1), ",1,30000,0,0,\n"))
      << "started again: March paid once";
  ASSERT_TRUE(runs_->Approve("ALW-202604", "agent.omar").ok());
  // No month before the latest approved.
  refused(runs_->Start("2026-03", "agent.amal").status(), kRunNotDraft);
  ASSERT_TRUE(runs_->Pay("ALW-202604").ok());
  ConfirmAll("ALW-202604");
  EXPECT_EQ(runs_->Get("ALW-202604")->record.state, kRunPaid);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 2, 9, 0, 0), absl::UTCTimeZone()));
  Run("2026-06");
  ASSERT_TRUE(runs_->Approve("ALW-202606", "agent.omar").ok());
  refused(runs_->Start("2026-05", "agent.amal").status(), kRunInProgress);
  ASSERT_TRUE(runs_->Pay("ALW-202606").ok());
  ConfirmAll("ALW-202606");
  refused(runs_->Start("2026-05", "agent.amal").status(), kMonthBeforeLastRun);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_runs WHERE month = '2026-05'"), 0);
}

TEST_P(AllowanceRunsTest, TwoMonthsApprovedAtOnceAreNotBothApproved) {
  if (GetParam() != testing::Backend::kPostgres) GTEST_SKIP() << "SQLite runs one write transaction at a time";
  Insured(Number(1));
  Child(Number(1), 1, absl::CivilDay(2016, 1, 1));
  Run("2026-03");
  Run("2026-04");
  // March's approval is held at its last write (its row locked here) while April's runs: April
  // waits for March's transaction, then finds March approved.
  absl::Notification held, release;
  std::thread holder([&] {
    absl::Status s = db_->Write([&](storage::Transaction& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.Query("SELECT 1 FROM allowance_runs WHERE run_id = 'ALW-202603' FOR UPDATE").status());
      held.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  held.WaitForNotification();
  absl::Status march, april;
  std::thread first([&] { march = runs_->Approve("ALW-202603", "agent.omar").status(); });
  EXPECT_TRUE(testing::WaitForLockWaiters(*db_, 1).ok()) << "March's approval waiting on its row";
  std::thread second([&] { april = runs_->Approve("ALW-202604", "agent.omar").status(); });
  EXPECT_TRUE(testing::WaitForLockWaiters(*db_, 2).ok()) << "April's approval waiting on the run order";
  release.Notify();
  holder.join();
  first.join();
  second.join();
  EXPECT_TRUE(march.ok()) << march;
  EXPECT_EQ(april.code(), absl::StatusCode::kFailedPrecondition) << april;
  EXPECT_THAT(std::string(april.message()), StartsWith(std::string(kRunInProgress))) << april;
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM allowance_runs WHERE state = 'APPROVED'"), 1);
}

TEST_P(AllowanceRunsTest, AnInsuredSuspendedForUnpaidContributionsIsNotPaid) {
  Insured(Number(1));  // suspended from 2026-03-01
  Child(Number(1), 1, absl::CivilDay(2016, 1, 1));
  Insured(Number(2));  // suspended from 2026-03-02: covered on March's first day
  Child(Number(2), 1, absl::CivilDay(2016, 1, 1));
  Insured(Number(3));  // suspended in February, restored from 2026-02-20
  Child(Number(3), 1, absl::CivilDay(2016, 1, 1));
  ASSERT_TRUE(
      Write([&](storage::Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(
            SuspensionStore::Suspend(tx, Number(1), kFamilyAllowancesProgram, absl::CivilDay(2026, 3, 1)).status());
        RETURN_IF_ERROR(
            SuspensionStore::Suspend(tx, Number(2), kFamilyAllowancesProgram, absl::CivilDay(2026, 3, 2)).status());
        RETURN_IF_ERROR(
            SuspensionStore::Suspend(tx, Number(3), kFamilyAllowancesProgram, absl::CivilDay(2026, 2, 1)).status());
        return SuspensionStore::Restore(tx, Number(3), absl::CivilDay(2026, 2, 20)).status();
      }).ok());
  EXPECT_EQ(Run("2026-03"), absl::StrCat(kAllowanceReportHeader,                        //
                                         Number(1), ",0,0,0,0,CONTRIBUTIONS_UNPAID\n",  //
                                         Number(2), ",1,30000,0,0,\n",                  //
                                         Number(3), ",1,30000,0,0,\n"));
}

TEST_P(AllowanceRunsTest, OnlyTheCompleteDraftOfTheGenerationReadIsApproved) {
  Insured(Number(1));
  Child(Number(1), 1, absl::CivilDay(2016, 1, 1));
  Run("2026-03");
  const int64_t generation = runs_->Get("ALW-202603")->record.generation;
  // An approval that read the draft before it was started again changes nothing.
  ASSERT_TRUE(runs_->Start("2026-03", "agent.amal").ok());
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return AllowanceStore::ApproveDraft(tx, "ALW-202603", generation, "agent.omar", clock_.Now());
  })) << "restarted, not complete";
  ASSERT_TRUE(runs_->Compute("ALW-202603").ok());
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return AllowanceStore::ApproveDraft(tx, "ALW-202603", generation, "agent.omar", clock_.Now());
  })) << "complete again, but of another generation";
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunDraft);
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) {
    return AllowanceStore::ApproveDraft(tx, "ALW-202603", generation + 1, "agent.omar", clock_.Now());
  }));
  EXPECT_EQ(runs_->Get("ALW-202603")->record.state, kRunApproved);
  EXPECT_EQ(runs_->Get("ALW-202603")->record.approved_by, "agent.omar");
}

TEST_P(AllowanceRunsTest, ABackdatedRemovalIsRecoveredFromTheNextMonths) {
  Insured(Number(1));
  Child(Number(1), 1, absl::CivilDay(2016, 1, 1));
  Child(Number(1), 2, absl::CivilDay(2018, 1, 1));
  registration_.AddAccount(Number(1), "MOBILE_WALLET", "0612345678");
  Paid("2026-03");
  ConfirmAll("ALW-202603");
  // In April, the second child is removed from the end of February: March's 30000 was not owed.
  EndChild(Number(1), 2, absl::CivilDay(2026, 2, 28));
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 4, 2, 9, 0, 0), absl::UTCTimeZone()));
  const std::string april = Paid("2026-04");
  EXPECT_EQ(*runs_->Report("ALW-202604"),
            absl::StrCat(kAllowanceReportHeader, Number(1), ",1,30000,0,30000,RECOVERED_IN_FULL\n"));
  EXPECT_EQ(april, kAllowancePaymentHeader) << "nothing to pay";
  EXPECT_EQ(runs_->Get("ALW-202604")->record.state, kRunPaid);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 2, 9, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Run("2026-05"), absl::StrCat(kAllowanceReportHeader, Number(1), ",1,30000,0,0,\n"))
      << "recovered in April, nothing owed";
}

INSTANTIATE_BACKENDS(AllowanceRunsTest);

}  // namespace
}  // namespace himaya::beneficiary
