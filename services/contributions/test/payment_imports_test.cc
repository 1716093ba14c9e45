// Imports of payment files on both backends: payments settling the oldest calls first
// (ContributionPaid each, credit kept), every row's outcome, the same file again answering its
// first result, another file's payment a duplicate, an import stopped halfway finished by the
// next (and refused to other bytes under its id), a payment dated after today, and the credit kept settling the calls
// made after it.
#include "contributions/src/payment_imports.h"

#include "contributions/src/call_store.h"
#include "contributions/src/contribution_calls.h"
#include "contributions/src/contribution_status.h"
#include "contributions/test/contributions_database.h"
#include "gtest/gtest.h"
#include "himaya/contributions/v1/events.pb.h"
#include "liaison/manifested_csv.h"

namespace himaya::contributions {
namespace {

class PaymentImportsTest : public ContributionsDatabaseTest {
 protected:
  void SetUp() override {
    ContributionsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    AddInsured("100000017", absl::CivilDay(2025, 12, 1));
    for (int month : {1, 2}) AddCall("100000017", absl::CivilMonth(2026, month), 9555);
    AddCall("100000017", absl::CivilMonth(2025, 12), 9555);
  }
  void AddCall(const std::string& number, absl::CivilMonth period, int64_t amount) {
    Call c{number,      "amo-tns", period, Payer::kInsured, "AGRI", "", amount, 0, absl::CivilDay(period + 2) - 1,
           clock_.Now()};
    testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::InsertNew(tx, {c}); });
  }
  PaymentImports Imports(int page_rows = 1000) {
    return PaymentImports(
        *db_, ContributionRules::Shipped(), {"contributions", &clock_, &random_}, {absl::UTCTimeZone(), page_rows},
        [this] { ++wakes_; }, [this] { ++imported_; });
  }
  // The rows of `csv` (without header) as the reader gives them, imported as `file_id`.
  absl::StatusOr<ImportResult> Import(const std::string& file_id, const std::string& csv, int page_rows = 1000) {
    const std::string text = "payment_id,registration_number,amount_centimes,paid_on\n" + csv;
    const int64_t count = std::count(csv.begin(), csv.end(), '\n');
    PaymentManifest manifest{file_id, liaison::Sha256Hex(text), count};
    auto reader = PaymentFileReader::Open(manifest);
    if (!reader.ok()) return reader.status();
    if (absl::Status s = (*reader)->Feed(text); !s.ok()) return s;
    absl::StatusOr<std::vector<PaymentRow>> rows = (*reader)->Finish();
    if (!rows.ok()) return rows.status();
    return Imports(page_rows).Import(manifest, *std::move(rows));
  }
  // Leaves what an import of P-1 (100 centimes), P-2, ... one row a page, killed after its first
  // page, would have left: that page's payment and row, no file (its start stays recorded).
  void KilledAfterTheFirstPage() {
    testing::Execute(*db_, "DELETE FROM payment_files");
    testing::Execute(*db_, "DELETE FROM payment_file_rows WHERE row_number > 1");
    testing::Execute(*db_, "UPDATE calls SET paid_centimes = 100 WHERE period = '2025-12'");
    testing::Execute(*db_, "DELETE FROM payments WHERE payment_id <> 'P-1'");
  }
  std::vector<Call> Calls() {
    return testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::OfInsured(tx, "100000017"); });
  }
  std::vector<v1::ContributionPaid> PaidEvents() {
    std::vector<v1::ContributionPaid> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT payload FROM outbox ORDER BY id")) {
      absl::StatusOr<events::Envelope> env = events::ParseEnvelope(r.Text(0));
      if (!env.ok()) continue;
      absl::StatusOr<v1::ContributionPaid> paid = events::Unpack<v1::ContributionPaid>(*env);
      if (paid.ok()) out.push_back(*paid);
    }
    return out;
  }
  int wakes_ = 0;
  int imported_ = 0;
};

TEST_P(PaymentImportsTest, APaymentSettlesTheOldestCallsFirst) {
  absl::StatusOr<ImportResult> result = Import("F-1", "P-1,100000017,12000,2026-03-01\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows, 1);
  EXPECT_EQ(result->applied, 1);
  EXPECT_EQ(result->applied_centimes, 12000);
  EXPECT_FALSE(result->already_imported);
  EXPECT_TRUE(result->not_applied.empty());
  std::vector<Call> calls = Calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].paid_centimes, 9555);  // 2025-12
  EXPECT_EQ(calls[1].paid_centimes, 2445);  // 2026-01, in part
  EXPECT_EQ(calls[2].paid_centimes, 0);
  std::vector<v1::ContributionPaid> paid = PaidEvents();
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].registration_number(), "100000017");
  EXPECT_EQ(paid[0].program(), "amo-tns");
  EXPECT_EQ(paid[0].payment_id(), "P-1");
  EXPECT_EQ(paid[0].amount_centimes(), 12000);
  EXPECT_EQ(paid[0].paid_on(), "2026-03-01");
  EXPECT_EQ(std::vector<std::string>(paid[0].periods().begin(), paid[0].periods().end()),
            (std::vector<std::string>{"2025-12", "2026-01"}));
  EXPECT_EQ(paid[0].balance_centimes(), 3 * 9555 - 12000);
  EXPECT_EQ(wakes_, 1);
  EXPECT_EQ(imported_, 1);
}

TEST_P(PaymentImportsTest, WhatIsPaidBeyondTheCallsIsKeptAsCredit) {
  ASSERT_TRUE(Import("F-1", "P-1,100000017,30000,2026-03-01\n").ok());
  for (const Call& c : Calls()) EXPECT_EQ(c.paid_centimes, c.amount_centimes);
  EXPECT_EQ(PaidEvents()[0].balance_centimes(), 3 * 9555 - 30000);
  absl::StatusOr<ContributionStatus> status = ContributionStatuses(*db_, clock_, absl::UTCTimeZone()).Get("100000017");
  EXPECT_EQ(status->balance_centimes, 3 * 9555 - 30000);
  EXPECT_EQ(status->arrears_centimes, 0);
}

TEST_P(PaymentImportsTest, EveryRowEndsInAnOutcome) {
  absl::StatusOr<ImportResult> result = Import("F-1",
                                               "P-1,100000017,100,2026-03-01\n"
                                               "P-2,100000025,100,2026-03-01\n"
                                               "P-1,100000017,100,2026-03-01\n"
                                               "P-3,100000017,abc,2026-03-01\n"
                                               "P-4,100000017,100,2026-03-03\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows, 5);
  EXPECT_EQ(result->applied, 1);
  EXPECT_EQ(result->unknown_insured, 1);
  EXPECT_EQ(result->duplicate_payment, 1);
  EXPECT_EQ(result->invalid, 2);
  EXPECT_EQ(result->applied_centimes, 100);
  ASSERT_EQ(result->not_applied.size(), 4u);
  EXPECT_EQ(result->not_applied[0].row, 2);
  EXPECT_EQ(result->not_applied[0].outcome, RowOutcome::kUnknownInsured);
  EXPECT_EQ(result->not_applied[1].outcome, RowOutcome::kDuplicatePayment);
  EXPECT_EQ(result->not_applied[2].outcome, RowOutcome::kInvalid);
  EXPECT_EQ(result->not_applied[3].row, 5);
  EXPECT_EQ(result->not_applied[3].reason, "paid_on: after today");  // the clock is at 2026-03-02
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payment_file_rows WHERE file_id = 'F-1'"), 5);
}

TEST_P(PaymentImportsTest, TheSameFileAgainChangesNothingAndAnswersTheFirstResult) {
  const std::string csv = "P-1,100000017,100,2026-03-01\nP-2,100000025,100,2026-03-01\n";
  absl::StatusOr<ImportResult> first = Import("F-1", csv);
  ASSERT_TRUE(first.ok());
  absl::StatusOr<ImportResult> again = Import("F-1", csv);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->applied, first->applied);
  EXPECT_EQ(again->unknown_insured, 1);
  EXPECT_EQ(again->applied_centimes, 100);
  ASSERT_EQ(again->not_applied.size(), 1u);
  EXPECT_EQ(again->not_applied[0].payment_id, "P-2");
  EXPECT_EQ(Calls()[0].paid_centimes, 100);
  EXPECT_EQ(PaidEvents().size(), 1u);
  EXPECT_EQ(Import("F-1", "P-9,100000017,100,2026-03-01\n").status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(PaymentImportsTest, APaymentAppliedFromAnotherFileIsADuplicate) {
  ASSERT_TRUE(Import("F-1", "P-1,100000017,100,2026-03-01\n").ok());
  absl::StatusOr<ImportResult> other = Import("F-2", "P-1,100000017,100,2026-03-01\n");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->duplicate_payment, 1);
  EXPECT_EQ(other->not_applied[0].reason, "payment_id: applied from another file");
  EXPECT_EQ(Calls()[0].paid_centimes, 100);
}

TEST_P(PaymentImportsTest, AnImportStoppedHalfwayIsFinishedByTheNextAndAppliesNothingTwice) {
  const std::string csv = "P-1,100000017,100,2026-03-01\nP-2,100000017,200,2026-03-01\nP-3,100000017,300,2026-03-01\n";
  ASSERT_TRUE(Import("F-1", csv, /*page_rows=*/1).ok());
  KilledAfterTheFirstPage();
  absl::StatusOr<ImportResult> finished = Import("F-1", csv, 1);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_FALSE(finished->already_imported);
  EXPECT_EQ(finished->applied, 3);
  EXPECT_EQ(finished->applied_centimes, 600);
  EXPECT_EQ(Calls()[0].paid_centimes, 600);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payments"), 3);
}

TEST_P(PaymentImportsTest, AnImportStoppedHalfwayIsNotFinishedByOtherBytesUnderItsId) {
  const std::string csv = "P-1,100000017,100,2026-03-01\nP-2,100000017,200,2026-03-01\n";
  ASSERT_TRUE(Import("F-1", csv, /*page_rows=*/1).ok());
  KilledAfterTheFirstPage();
  // Another file under F-1 whose first row differs: it must not be told P-1 is its own.
  absl::StatusOr<ImportResult> other = Import("F-1", "P-1,100000017,900,2026-03-01\nP-3,100000017,5,2026-03-01\n", 1);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_EQ(other.status().message(), "file_id: a file of this id was imported with other bytes");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM payments"), 1) << "P-3 not applied";
  absl::StatusOr<ImportResult> finished = Import("F-1", csv, 1);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(finished->applied, 2);
  EXPECT_EQ(Calls()[0].paid_centimes, 300);
}

TEST_P(PaymentImportsTest, CallsMadeAfterAPaymentInAdvanceAreSettledFromItsCreditOldestPaymentFirst) {
  // P-1 settles the three calls and keeps one month; P-2, later, keeps a month and one dirham.
  ASSERT_TRUE(Import("F-1", "P-1,100000017,38220,2026-02-20\n").ok());
  ASSERT_TRUE(Import("F-2", "P-2,100000017,9655,2026-03-01\n").ok());
  const int64_t events_before = static_cast<int64_t>(PaidEvents().size());
  ContributionCalls calls(*db_, ContributionRules::Shipped(), {"contributions", &clock_, &random_}, {1000, {"amo-tns"}},
                          [] {});
  ASSERT_EQ(calls.CallPeriod("2026-03")->insured_called, 1);
  clock_.Advance(absl::Hours(24 * 31));  // in April
  ASSERT_EQ(calls.CallPeriod("2026-04")->insured_called, 1);

  for (const Call& c : Calls()) EXPECT_EQ(c.paid_centimes, c.amount_centimes) << FormatPeriod(c.period);
  EXPECT_EQ(testing::Count(*db_, "SELECT unapplied_centimes FROM payments WHERE payment_id = 'P-1'"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT unapplied_centimes FROM payments WHERE payment_id = 'P-2'"), 100);
  std::vector<v1::ContributionPaid> paid = PaidEvents();
  ASSERT_EQ(static_cast<int64_t>(paid.size()), events_before + 2);
  EXPECT_EQ(paid[events_before].payment_id(), "P-1");
  EXPECT_EQ(std::vector<std::string>(paid[events_before].periods().begin(), paid[events_before].periods().end()),
            (std::vector<std::string>{"2026-03"}));
  EXPECT_EQ(paid[events_before].balance_centimes(), -9655);
  EXPECT_EQ(paid[events_before + 1].payment_id(), "P-2");
  EXPECT_EQ(paid[events_before + 1].periods(0), "2026-04");
  EXPECT_EQ(paid[events_before + 1].balance_centimes(), -100);
  absl::StatusOr<ContributionStatus> status = ContributionStatuses(*db_, clock_, absl::UTCTimeZone()).Get("100000017");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->balance_centimes, -100);
  EXPECT_EQ(status->arrears_centimes, 0);
}

TEST_P(PaymentImportsTest, APaymentSettlesOnlyCallsBilledToTheInsuredNeverTheStates) {
  AddInsured("100000017", absl::CivilDay(2025, 12, 1), "amo-tadamon", "");
  Call state{"100000017",
             "amo-tadamon",
             absl::CivilMonth(2025, 11),
             Payer::kState,
             "",
             "",
             12740,
             0,
             absl::CivilDay(2025, 12, 31),
             clock_.Now()};
  testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::InsertNew(tx, {state}); });
  ASSERT_TRUE(Import("F-1", "P-1,100000017,9555,2026-03-01\n").ok());
  for (const Call& c : Calls()) {
    if (c.payer == Payer::kState) {
      EXPECT_EQ(c.paid_centimes, 0);
    }
  }
  EXPECT_EQ(Calls()[1].period, absl::CivilMonth(2025, 12));
  EXPECT_EQ(Calls()[1].paid_centimes, 9555);  // amo-tns 2025-12, the oldest of the insured's
  absl::StatusOr<ContributionStatus> status = ContributionStatuses(*db_, clock_, absl::UTCTimeZone()).Get("100000017");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->balance_centimes, 2 * 9555);  // the state's 12740 is not the insured's
  EXPECT_EQ(status->arrears_centimes, 9555);      // 2026-01, past due; 2026-02 is not
}

INSTANTIATE_BACKENDS(PaymentImportsTest);

}  // namespace
}  // namespace himaya::contributions
