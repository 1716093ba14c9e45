// Bulk claims files on both backends: a file checked row by row against a golden report (before
// and after its files are decided), the same batch again, the same id with other bytes, a count
// or a sha256 that is not the manifest's (nothing kept), a batch being received, and a batch id
// found without its sender.
#include "claims/src/batch_upload.h"

#include "claims/src/batch_reports.h"
#include "claims/src/claim_store.h"
#include "claims/test/claims_database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "liaison/manifested_csv.h"
#include "prometheus/text_serializer.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;

constexpr char kHeader[] =
    "claim_id,registration_number,beneficiary_id,care_date,filed_date,act_code,quantity,amount_paid,ald_certificate\n";

// Every case of the contract: a file of three items (the third cared for after filing), a file
// whose rows disagree, a claim_id that is not one (and starts like a formula), an id another
// file holds, and a row with a field too many.
const std::string& File() {
  static const std::string* const file =
      new std::string(absl::StrCat(kHeader,
                                   "F-1,100000017,100000017,2026-05-02,2026-05-08,C,1,80.00,\n"
                                   "F-1,100000017,100000017-01,2026-05-03,2026-05-08,cs,1,200.00,ALD-1\n"
                                   "F-2,100000025,100000025,2026-05-01,2026-05-08,C,1,80.00,\n"
                                   "F-2,100000017,100000025,2026-05-01,2026-05-08,C,1,80.00,\n"
                                   "F-2,100000025,100000025,2026-05-01,2026-05-09,C,1,80.00,\n"
                                   "=1+1,100000017,100000017,2026-05-02,2026-05-08,C,1,80.00,\n"
                                   "F-1,100000017,100000017,2026-05-09,2026-05-08,C,1,80.00,\n"
                                   "TAKEN-1,100000017,100000017,2026-05-02,2026-05-08,C,1,80.00,\n"
                                   "F-3,100000017,100000017,2026-05-02,2026-05-08,C,1,80.00,,extra\n"));
  return *file;
}

class BatchUploadTest : public ClaimsDatabaseTest {
 protected:
  void SetUp() override {
    ClaimsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 10, 9, 0, 0), absl::UTCTimeZone()));
    context_.db = db_.get();
    context_.clock = &clock_;
    context_.stage_rows = 2;      // several transactions of staged rows
    context_.file_rows_page = 2;  // files read back across pages
    context_.on_received = [this] { ++woken_; };
    context_.options.metrics = &metrics_;
  }
  static liaison::Manifest ManifestOf(const std::string& bytes, int64_t rows, const std::string& sender = "CASHPLUS",
                                      const std::string& batch_id = "B-1") {
    liaison::Manifest m;
    m.batch_id = batch_id;
    m.liaison_body = sender;
    m.record_count = rows;
    m.sha256 = liaison::Sha256Hex(bytes);
    return m;
  }
  // Sends `bytes` in chunks of 7 bytes (rows cut anywhere) under `manifest`.
  absl::StatusOr<ClaimBatchStatus> Send(const liaison::Manifest& manifest, const std::string& bytes) {
    auto upload = ClaimBatchUpload::Begin(context_, manifest);
    if (!upload.ok()) return upload.status();
    for (size_t at = 0; at < bytes.size(); at += 7) {
      if (absl::Status fed = (*upload)->Feed(absl::string_view(bytes).substr(at, 7)); !fed.ok()) return fed;
    }
    return (*upload)->Finish();
  }
  std::string Report(const std::string& sender = "CASHPLUS") {
    std::string csv;
    std::optional<int64_t> after;
    while (true) {
      auto page = ReadClaimBatchReportPage(*db_, sender, "B-1", after, 3);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return csv;
      csv += page->csv;
      if (page->last) return csv;
      after = page->next_after_row;
    }
  }
  void SubmitTaken() {
    ClaimIntake intake(*db_, clock_, random_, IntakeOptions{}, [] {});
    ClaimSubmission s{"TAKEN-1", "100000025", "2026-05-08", "", {{"100000025", "2026-05-02", "C", 1, 8000, ""}}, ""};
    ASSERT_TRUE(intake.Submit(s).ok());
  }
  int64_t Count(const std::string& sql) { return testing::Count(*db_, sql); }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  prometheus::Registry registry_;
  IntakeMetrics metrics_{registry_};
  BatchIntakeContext context_;
  int woken_ = 0;
};

TEST_P(BatchUploadTest, AFileIsCheckedRowByRowAgainstAGoldenReport) {
  SubmitTaken();
  auto status = Send(ManifestOf(File(), 9), File());
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->state, "DECIDING");
  EXPECT_EQ(status->rows_received, 9);
  EXPECT_EQ(status->claims_received, 2);
  EXPECT_EQ(status->claims_decided, 0);
  EXPECT_EQ(woken_, 1);
  EXPECT_THAT(Metrics(), HasSubstr("himaya_claims_received_total{channel=\"BATCH\"} 2"));
  EXPECT_THAT(Metrics(), HasSubstr("himaya_claims_batches_total{what=\"received\"} 1"));
  EXPECT_EQ(Report(),
            "claim_id,item,outcome,reason,reimbursed_centimes\n"
            "F-1,1,PENDING,,0\n"
            "F-1,2,PENDING,,0\n"
            "F-2,1,PENDING,,0\n"
            "F-2,2,PENDING,,0\n"
            "F-2,3,PENDING,,0\n"
            "'=1+1,0,REJECTED,INVALID_ROW:claim_id,0\n"
            "F-1,3,PENDING,,0\n"
            "TAKEN-1,0,REJECTED,CLAIM_ID_TAKEN,0\n"
            ",0,REJECTED,INVALID_ROW:row,0\n");

  auto f1 = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "F-1"); });
  ASSERT_TRUE(f1.has_value());
  EXPECT_EQ(f1->channel, "BATCH:CASHPLUS/B-1");
  EXPECT_EQ(f1->state, kClaimReceived);
  EXPECT_EQ(f1->due_date, absl::CivilDay(2026, 5, 19));
  EXPECT_EQ(f1->claimed_centimes, 36000);
  ASSERT_EQ(f1->items.size(), 3u);
  EXPECT_EQ(f1->items[1].filed.act_code, "CS");
  EXPECT_EQ(f1->items[1].filed.ald_certificate, "ALD-1");
  EXPECT_EQ(f1->items[2].row_number, 7);
  EXPECT_EQ(f1->items[2].filed.invalid_field, "care_date");
  auto f2 = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "F-2"); });
  ASSERT_TRUE(f2.has_value());
  EXPECT_EQ(f2->registration_number, "100000025");
  EXPECT_EQ(f2->items[1].filed.invalid_field, "registration_number");
  EXPECT_EQ(f2->items[2].filed.invalid_field, "filed_date");
  auto taken = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "TAKEN-1"); });
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->channel, "PORTAL");  // the other file, untouched
  EXPECT_EQ(taken->items.size(), 1u);

  // The rules decide F-1 (as the decider would); F-2 still waits.
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) -> absl::Status {
                   for (const ItemDecision& d :
                        {ItemDecision{1, true, "", "", 8000, 70, 5600}, ItemDecision{2, true, "", "", 15000, 70, 10500},
                         ItemDecision{3, false, "INVALID_ROW", "care_date", 0, 0, 0}}) {
                     if (absl::Status s = ClaimStore::RecordItemDecision(tx, "F-1", d); !s.ok()) return s;
                   }
                   return tx
                       .Execute(
                           "UPDATE claims SET state = 'DECIDED', outcome = 'PARTIAL', decided_at_us = 1 "
                           "WHERE claim_id = 'F-1'")
                       .status();
                 })
                  .ok());
  EXPECT_EQ(Report(),
            "claim_id,item,outcome,reason,reimbursed_centimes\n"
            "F-1,1,ACCEPTED,,5600\n"
            "F-1,2,ACCEPTED,,10500\n"
            "F-2,1,PENDING,,0\n"
            "F-2,2,PENDING,,0\n"
            "F-2,3,PENDING,,0\n"
            "'=1+1,0,REJECTED,INVALID_ROW:claim_id,0\n"
            "F-1,3,REJECTED,INVALID_ROW:care_date,0\n"
            "TAKEN-1,0,REJECTED,CLAIM_ID_TAKEN,0\n"
            ",0,REJECTED,INVALID_ROW:row,0\n");
  auto deciding = GetClaimBatchStatus(*db_, "CASHPLUS", "B-1");
  ASSERT_TRUE(deciding.ok()) << deciding.status();
  EXPECT_EQ(deciding->state, "DECIDING");
  EXPECT_EQ(deciding->claims_decided, 1);
  EXPECT_EQ(deciding->outcomes, (std::map<std::string, int64_t>{{"PARTIAL", 1}}));
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE claims SET state = 'IN_REVIEW' WHERE claim_id = 'F-2'").status();
                 })
                  .ok());
  auto completed = GetClaimBatchStatus(*db_, "", "B-1");  // by its id alone
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state, "COMPLETED");
  EXPECT_EQ(completed->outcomes, (std::map<std::string, int64_t>{{"PARTIAL", 1}, {"IN_REVIEW", 1}}));
  EXPECT_TRUE(completed->completed_at.has_value());
}

TEST_P(BatchUploadTest, TheSameBatchAgainReturnsItsStatusAndReceivesNothingTwice) {
  ASSERT_TRUE(Send(ManifestOf(File(), 9), File()).ok());
  clock_.Advance(absl::Minutes(5));
  auto again = ClaimBatchUpload::Begin(context_, ManifestOf(File(), 9));
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE((*again)->existing().has_value());
  EXPECT_TRUE((*again)->Feed(File()).ok());  // ignored
  auto status = (*again)->Finish();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->claims_received, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claims"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claim_batch_rows"), 9);
  EXPECT_EQ(woken_, 1);
}

TEST_P(BatchUploadTest, AFileFiledAfterTheDayOfReceiptIsInvalidRowFiledDate) {
  // Received on 2026-05-10: filed that day is in time, filed the day after is not.
  const std::string bytes = absl::StrCat(kHeader,
                                         "F-10,100000017,100000017,2026-05-02,2026-05-10,C,1,80.00,\n"
                                         "F-11,100000017,100000017,2026-05-02,2026-05-11,C,1,80.00,\n");
  ASSERT_TRUE(Send(ManifestOf(bytes, 2), bytes).ok());
  auto on_the_day = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "F-10"); });
  ASSERT_TRUE(on_the_day.has_value());
  EXPECT_EQ(on_the_day->items[0].filed.invalid_field, "");
  auto next_day = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "F-11"); });
  ASSERT_TRUE(next_day.has_value());
  EXPECT_EQ(next_day->items[0].filed.invalid_field, "filed_date");
}

TEST_P(BatchUploadTest, TheSameIdWithOtherBytesIsRefused) {
  ASSERT_TRUE(Send(ManifestOf(File(), 9), File()).ok());
  const std::string other = absl::StrCat(kHeader, "F-9,100000017,100000017,2026-05-02,2026-05-08,C,1,80.00,\n");
  absl::Status refused = Send(ManifestOf(other, 1), other).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("sha256 differs"));
  // Another sender may use the same id.
  EXPECT_TRUE(Send(ManifestOf(other, 1, "BARIDCASH"), other).ok());
  absl::Status ambiguous = GetClaimBatchStatus(*db_, "", "B-1").status();
  EXPECT_EQ(ambiguous.code(), absl::StatusCode::kFailedPrecondition) << ambiguous;
  EXPECT_EQ(GetClaimBatchStatus(*db_, "", "B-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetClaimBatchStatus(*db_, "", "B 2").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(BatchUploadTest, ACountOrAHashThatIsNotTheManifestsKeepsNothing) {
  absl::Status more = Send(ManifestOf(File(), 8), File()).status();
  EXPECT_EQ(more.code(), absl::StatusCode::kInvalidArgument) << more;
  absl::Status fewer = Send(ManifestOf(File(), 10), File()).status();
  EXPECT_EQ(fewer.code(), absl::StatusCode::kInvalidArgument) << fewer;
  liaison::Manifest altered = ManifestOf(File(), 9);
  altered.sha256 = liaison::Sha256Hex("something else");
  absl::Status hash = Send(altered, File()).status();
  EXPECT_EQ(hash.code(), absl::StatusCode::kInvalidArgument) << hash;
  EXPECT_THAT(std::string(hash.message()), HasSubstr("sha256"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claims"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claim_items"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claim_batch_rows"), 0);
  auto refused = GetClaimBatchStatus(*db_, "CASHPLUS", "B-1");
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->state, "REFUSED");
  EXPECT_THAT(refused->refusal, HasSubstr("sha256"));
  EXPECT_EQ(ReadClaimBatchReportPage(*db_, "CASHPLUS", "B-1", std::nullopt).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(woken_, 0);
  EXPECT_THAT(Metrics(), HasSubstr("himaya_claims_batches_total{what=\"refused\"} 3"));
  // Sent right, it is received.
  auto status = Send(ManifestOf(File(), 9), File());
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->claims_received, 3);
}

TEST_P(BatchUploadTest, ABatchBeingReceivedIsAnotherUploadsUntilItsLeaseRunsOut) {
  auto first = ClaimBatchUpload::Begin(context_, ManifestOf(File(), 9));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(ClaimBatchUpload::Begin(context_, ManifestOf(File(), 9)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReadClaimBatchReportPage(*db_, "CASHPLUS", "B-1", std::nullopt).status().code(),
            absl::StatusCode::kFailedPrecondition);
  clock_.Advance(context_.receive_lease + absl::Seconds(1));
  auto second = Send(ManifestOf(File(), 9), File());
  ASSERT_TRUE(second.ok()) << second.status();
  // The first upload lost the batch: what it sends now is refused, and the batch is kept.
  EXPECT_EQ((*first)->Feed(File()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claim_batch_rows"), 9);
}

TEST_P(BatchUploadTest, ABadManifestIsRefusedNamingTheField) {
  liaison::Manifest m = ManifestOf(File(), 9);
  m.liaison_body = "CASH PLUS";
  EXPECT_THAT(std::string(Send(m, File()).status().message()), HasSubstr("manifest.liaison_body"));
  m = ManifestOf(File(), kMaxBatchRows + 1);
  EXPECT_THAT(std::string(Send(m, File()).status().message()), HasSubstr("manifest.record_count"));
  m = ManifestOf(File(), 9);
  m.sha256 = "abc";
  EXPECT_THAT(std::string(Send(m, File()).status().message()), HasSubstr("manifest.sha256"));
  const std::string headless = "claim_id,registration_number\nF-1,100000017\n";
  absl::Status header = Send(ManifestOf(headless, 1), headless).status();
  EXPECT_EQ(header.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM claim_batch_rows"), 0);
}

INSTANTIATE_BACKENDS(BatchUploadTest);

}  // namespace
}  // namespace himaya::claims
