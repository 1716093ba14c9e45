// Suspension and restoration on both backends: an insured suspended the day after the grace
// period (CoverageSuspended from due date + grace + 1, once), never for calls billed to the
// state, restored by a payment leaving nothing unpaid beyond the grace period (CoverageRestored
// from its paid_on), not by one leaving arrears; the pass on its loop woken; the status. On
// PostgreSQL, a payment applied while the pass runs: committed after the pass found the insured,
// or waiting for the pass's transaction; either way the insured ends covered.
#include "contributions/src/coverage_suspensions.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "contributions/src/call_store.h"
#include "contributions/src/contribution_status.h"
#include "contributions/src/payment_imports.h"
#include "contributions/src/suspension_store.h"
#include "contributions/test/contributions_database.h"
#include "core/status_macros.h"
#include "gtest/gtest.h"
#include "himaya/contributions/v1/events.pb.h"
#include "liaison/manifested_csv.h"
#include "stack/local_stack.h"

namespace himaya::contributions {
namespace {

class CoverageSuspensionsTest : public ContributionsDatabaseTest {
 protected:
  void SetUp() override {
    ContributionsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    AddInsured("100000017", absl::CivilDay(2025, 12, 1));
    AddInsured("100000041", absl::CivilDay(2025, 12, 1), "amo-tadamon", "");
    // January's calls, due 2026-02-28: suspended from 2026-05-30 (90 days of grace).
    AddCall("100000017", "amo-tns", absl::CivilMonth(2026, 1), Payer::kInsured);
    AddCall("100000041", "amo-tadamon", absl::CivilMonth(2026, 1), Payer::kState);
  }
  void AddCall(const std::string& number, const std::string& program, absl::CivilMonth period, Payer payer) {
    Call c{number, program, period, payer, "AGRI", "Oriental", 9555, 0, absl::CivilDay(period + 2) - 1, clock_.Now()};
    testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::InsertNew(tx, {c}); });
  }
  void At(absl::CivilDay day) { clock_.Set(absl::FromCivil(absl::CivilSecond(day), absl::UTCTimeZone())); }
  std::unique_ptr<CoverageSuspensions> Suspensions() {
    return std::make_unique<CoverageSuspensions>(
        *db_, ContributionRules::Shipped(), events::EventSource{"contributions", &clock_, &random_},
        CoverageSuspensionsOptions{absl::UTCTimeZone(), {"amo-tns", "amo-tadamon"}, 1000, absl::Hours(1)});
  }
  int64_t Check() {
    absl::StatusOr<int64_t> n = Suspensions()->CheckArrears();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  }
  ImportResult Pay(const std::string& payment_id, int64_t amount, absl::CivilDay paid_on) {
    return PayFile("F-" + payment_id,
                   payment_id + ",100000017," + std::to_string(amount) + "," + FormatDay(paid_on) + "\n");
  }
  // Imports the payment file of `rows` (CSV lines without the header) as `file_id`.
  ImportResult PayFile(const std::string& file_id, const std::string& rows_csv) {
    const std::string text = "payment_id,registration_number,amount_centimes,paid_on\n" + rows_csv;
    PaymentManifest manifest{file_id, liaison::Sha256Hex(text), std::count(rows_csv.begin(), rows_csv.end(), '\n')};
    auto reader = PaymentFileReader::Open(manifest);
    EXPECT_TRUE((*reader)->Feed(text).ok());
    auto rows = (*reader)->Finish();
    EXPECT_TRUE(rows.ok());
    PaymentImports imports(*db_, ContributionRules::Shipped(), {"contributions", &clock_, &random_},
                           {absl::UTCTimeZone(), 1000});
    absl::StatusOr<ImportResult> result = imports.Import(manifest, *std::move(rows));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(ImportResult{});
  }
  template <typename Event>
  std::vector<Event> EventsOf() {
    std::vector<Event> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT payload FROM outbox ORDER BY id")) {
      absl::StatusOr<events::Envelope> env = events::ParseEnvelope(r.Text(0));
      if (!env.ok()) continue;
      absl::StatusOr<Event> e = events::Unpack<Event>(*env);
      if (e.ok()) out.push_back(*e);
    }
    return out;
  }
  ContributionStatus Status() {
    return ContributionStatuses(*db_, clock_, absl::UTCTimeZone()).Get("100000017").value_or(ContributionStatus{});
  }
};

TEST_P(CoverageSuspensionsTest, AnInsuredIsSuspendedTheDayAfterTheGracePeriodAndOnce) {
  At(absl::CivilDay(2026, 5, 29));
  EXPECT_EQ(Check(), 0);
  At(absl::CivilDay(2026, 5, 30));
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(Check(), 0);
  At(absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(Check(), 0);
  auto suspended = EventsOf<v1::CoverageSuspended>();
  ASSERT_EQ(suspended.size(), 1u);
  EXPECT_EQ(suspended[0].registration_number(), "100000017");
  EXPECT_EQ(suspended[0].program(), "amo-tns");
  EXPECT_EQ(suspended[0].from_date(), "2026-05-30");
  EXPECT_EQ(suspended[0].arrears_centimes(), 9555);
  EXPECT_EQ(suspended[0].oldest_unpaid_period(), "2026-01");
  ContributionStatus status = Status();
  ASSERT_EQ(status.suspensions.size(), 1u);
  EXPECT_EQ(status.suspensions[0].from_date, absl::CivilDay(2026, 5, 30));
}

TEST_P(CoverageSuspensionsTest, APassRunLateStillSuspendsFromTheDayAfterTheGracePeriod) {
  At(absl::CivilDay(2026, 8, 1));
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(EventsOf<v1::CoverageSuspended>()[0].from_date(), "2026-05-30");
}

TEST_P(CoverageSuspensionsTest, CallsBilledToTheStateNeverSuspendAnyone) {
  At(absl::CivilDay(2027, 1, 1));
  Check();
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM suspensions WHERE registration_number = '100000041'"), 0);
}

TEST_P(CoverageSuspensionsTest, APaymentLeavingNoArrearsBeyondGraceRestoresFromItsPaidOn) {
  AddCall("100000017", "amo-tns", absl::CivilMonth(2026, 2), Payer::kInsured);  // due 2026-03-31
  At(absl::CivilDay(2026, 6, 10));
  ASSERT_EQ(Check(), 1);
  // Pays January only: February (suspending from 2026-06-30) is still within its grace.
  EXPECT_EQ(Pay("P-1", 9555, absl::CivilDay(2026, 6, 9)).applied, 1);
  auto restored = EventsOf<v1::CoverageRestored>();
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_EQ(restored[0].registration_number(), "100000017");
  EXPECT_EQ(restored[0].program(), "amo-tns");
  EXPECT_EQ(restored[0].from_date(), "2026-06-09");
  EXPECT_EQ(restored[0].payment_id(), "P-1");
  EXPECT_TRUE(Status().suspensions.empty());
  // February's arrears pass its grace: suspended again, from 2026-06-30.
  At(absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(EventsOf<v1::CoverageSuspended>().back().from_date(), "2026-06-30");
}

TEST_P(CoverageSuspensionsTest, APaymentLeavingArrearsBeyondGraceRestoresNothing) {
  AddCall("100000017", "amo-tns", absl::CivilMonth(2026, 2), Payer::kInsured);
  At(absl::CivilDay(2026, 7, 10));
  ASSERT_EQ(Check(), 1);
  Pay("P-1", 9555, absl::CivilDay(2026, 7, 9));  // January paid, February still beyond grace
  EXPECT_TRUE(EventsOf<v1::CoverageRestored>().empty());
  EXPECT_EQ(Status().suspensions.size(), 1u);
  Pay("P-2", 9555, absl::CivilDay(2026, 7, 10));
  EXPECT_EQ(EventsOf<v1::CoverageRestored>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::CoverageRestored>()[0].from_date(), "2026-07-10");
}

TEST_P(CoverageSuspensionsTest, ThePassRunsOnItsLoop) {
  At(absl::CivilDay(2026, 6, 1));
  std::unique_ptr<CoverageSuspensions> suspensions = Suspensions();
  suspensions->Start();
  absl::Status suspended =
      stack::WaitUntil([&] { return testing::Count(*db_, "SELECT COUNT(*) FROM suspensions") == 1; }, absl::Seconds(10),
                       "the pass's suspension");
  EXPECT_TRUE(suspended.ok()) << suspended;
  suspensions->Stop();
}

TEST_P(CoverageSuspensionsTest, AnInsuredHasOneOpenSuspensionInAProgramAtMost) {
  Suspension first{
      "100000017",  "amo-tns", absl::CivilDay(2026, 5, 30), 9555, absl::CivilMonth(2026, 1), "Oriental", clock_.Now(),
      std::nullopt, ""};
  Suspension other_day = first;
  other_day.from_date = absl::CivilDay(2026, 6, 30);
  auto insert = [&](const Suspension& s) {
    return testing::InWrite(*db_, [&](storage::Transaction& tx) { return SuspensionStore::Insert(tx, s); });
  };
  EXPECT_TRUE(insert(first));
  EXPECT_FALSE(insert(other_day));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM suspensions"), 1);
}

class SuspensionRaceTest : public CoverageSuspensionsTest {
 protected:
  void SetUp() override {
    if (GetParam() != testing::Backend::kPostgres) GTEST_SKIP() << "SQLite runs one write transaction at a time";
    CoverageSuspensionsTest::SetUp();
    At(today_);
  }
  // The pass's step for the insured, in `tx`: whether it suspended them.
  bool Suspend(storage::Transaction& tx) {
    absl::StatusOr<bool> suspended =
        CoverageSuspensions::SuspendIfInArrears(tx, rules_, source_, "amo-tns", "100000017", today_);
    EXPECT_TRUE(suspended.ok()) << suspended.status();
    return suspended.value_or(false);
  }
  int64_t Open() { return testing::Count(*db_, "SELECT COUNT(*) FROM suspensions WHERE restored_from IS NULL"); }
  const absl::CivilDay today_{2026, 6, 1};
  const ProgramRules& rules_ = *ContributionRules::Shipped().For("amo-tns");
  events::EventSource source_{"contributions", &clock_, &random_};
};

TEST_P(SuspensionRaceTest, APaymentCommittedAfterThePassFoundTheInsuredKeepsThemCovered) {
  absl::Status pass = db_->Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<InsuredInArrears> found,
                     SuspensionStore::InArrears(tx, "amo-tns", today_ - rules_.grace_days - 1, today_, "", 10));
    EXPECT_EQ(found.size(), 1u);
    std::thread([&] { EXPECT_EQ(Pay("P-1", 9555, absl::CivilDay(2026, 5, 31)).applied, 1); }).join();
    EXPECT_FALSE(Suspend(tx));
    return absl::OkStatus();
  });
  ASSERT_TRUE(pass.ok()) << pass;
  EXPECT_EQ(Open(), 0);
  EXPECT_TRUE(EventsOf<v1::CoverageSuspended>().empty());
}

TEST_P(SuspensionRaceTest, APaymentAppliedWhileThePassSuspendsWaitsForItThenRestores) {
  // The payment starts once the pass has suspended, its transaction still open.
  absl::Notification suspended;
  std::thread payment([&] {
    suspended.WaitForNotification();
    EXPECT_EQ(Pay("P-1", 9555, absl::CivilDay(2026, 6, 1)).applied, 1);
  });
  absl::Status pass = db_->Write([&](storage::Transaction& tx) -> absl::Status {
    EXPECT_TRUE(Suspend(tx));
    if (!suspended.HasBeenNotified()) suspended.Notify();
    EXPECT_TRUE(testing::WaitForLockWaiters(*db_, 1).ok()) << "the payment waiting on the pass's lock";
    return absl::OkStatus();
  });
  payment.join();
  ASSERT_TRUE(pass.ok()) << pass;
  EXPECT_EQ(Open(), 0);
  ASSERT_EQ(EventsOf<v1::CoverageSuspended>().size(), 1u);
  ASSERT_EQ(EventsOf<v1::CoverageRestored>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::CoverageRestored>()[0].from_date(), "2026-06-01");
}

TEST_P(SuspensionRaceTest, APaymentFileWaitingOnAnInsuredHoldsNoInsuredOfALaterNumber) {
  // The pass locks insured in number order. A file paying 100000025 before 100000017 locks both
  // in number order first: waiting on 100000017 (held by the pass), it holds nothing of
  // 100000025, which the pass can then lock without a deadlock.
  AddInsured("100000025", absl::CivilDay(2025, 12, 1));
  AddCall("100000025", "amo-tns", absl::CivilMonth(2026, 1), Payer::kInsured);
  absl::Notification held;
  std::thread payment([&] {
    held.WaitForNotification();
    EXPECT_EQ(PayFile("F-BA", "P-B,100000025,9555,2026-05-31\nP-A,100000017,9555,2026-05-31\n").applied, 2);
  });
  absl::Status pass = db_->Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CallStore::UnpaidOfForUpdate(tx, "100000017").status());
    if (!held.HasBeenNotified()) held.Notify();
    EXPECT_TRUE(testing::WaitForLockWaiters(*db_, 1).ok()) << "the payment waiting on 100000017";
    absl::Status later =
        tx.Query("SELECT 1 FROM calls WHERE registration_number = '100000025' FOR UPDATE NOWAIT").status();
    EXPECT_TRUE(later.ok()) << "the waiting payment holds 100000025: " << later;
    return absl::OkStatus();
  });
  payment.join();
  EXPECT_TRUE(pass.ok()) << pass;
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM calls WHERE paid_centimes = amount_centimes"), 2);
}

INSTANTIATE_BACKENDS(CoverageSuspensionsTest);
INSTANTIATE_BACKENDS(SuspensionRaceTest);

}  // namespace
}  // namespace himaya::contributions
