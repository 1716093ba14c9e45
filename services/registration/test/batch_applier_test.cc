// The batch applier on both backends: an applier that lost its claim stops without retrying;
// look-alikes are found within a slice, across the slices of a chunk and across chunks; the
// chunk query's lookups can each use an index.
#include "registration/src/batch_applier.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "intake_fixture.h"

namespace himaya::registration {
namespace {

class BatchApplierTest : public IntakeTest {
 protected:
  void ExpectLookAlikesGoToReview(const std::string& batch_id);
};

TEST_P(BatchApplierTest, AnApplierThatLostItsClaimStopsWithoutRetrying) {
  const std::string csv =
      std::string(kTns) + "3,A102,Idrissi,Meriem,1990-01-01,F,,AGRI\n" + "4,A103,Idrissi,Nabil,1991-01-01,M,,AGRI\n";
  liaison::Manifest manifest = ManifestFor(csv, "MAP-L", "MAPMDREF", "amo-tns", 4);
  auto upload = BatchUpload::Begin(Context(AllPrograms()), manifest);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Feed(csv).ok());
  ASSERT_TRUE((*upload)->Finish().ok());
  // After its first chunk, another process takes the batch over (this one's lease ran out).
  int commits = 0;
  BatchApplier applier(
      Context(AllPrograms()),
      [&] {
        if (++commits == 1) {
          ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                           return tx
                               .Execute("UPDATE batches SET lease_owner = 'other', lease_until_us = $1",
                                        {std::numeric_limits<int64_t>::max()})
                               .status();
                         })
                          .ok());
        }
      },
      3, 2);  // chunks of three rows, read two at a time
  absl::Status applied = applier.ApplyAllReady();
  EXPECT_TRUE(applied.ok()) << applied << ": a lost claim is no error to retry";
  auto status = GetBatchStatus(*db_, "MAPMDREF", "MAP-L");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, BatchState::kApplying);
  EXPECT_EQ(status->rows_applied, 3) << "the other process goes on from the last chunk committed";
}

// Pairs of look-alikes 1, 3, 4 and 6 rows apart, applied by the fixture's applier; the second of
// each pair goes to review like any other.
void BatchApplierTest::ExpectLookAlikesGoToReview(const std::string& batch_id) {
  std::string csv = kTns;
  const int kPairs = 4;
  for (int gap : {1, 3, 4, 6}) {
    for (int i = 0; i < kPairs; ++i) {
      csv += absl::StrCat("G", gap, "-", i, ",C", gap, i, ",Amrani,Samir,19", 70 + gap, "-0", i + 1, "-1", i,
                          ",M,,AGRI\n");
      for (int filler = 1; filler < gap; ++filler) {
        csv += absl::StrCat("F", gap, "-", i, "-", filler, ",D", gap, i, filler, ",Filler", gap, i, filler,
                            ",Ali,1960-01-0", filler, ",M,,AGRI\n");
      }
      csv += absl::StrCat("L", gap, "-", i, ",E", gap, i, ",Amrany,Sameer,19", 70 + gap, "-0", i + 1, "-1", i,
                          ",M,,AGRI\n");
    }
  }
  const int64_t rows = std::count(csv.begin(), csv.end(), '\n') - 1;
  auto status = Submit(csv, ManifestFor(csv, batch_id, "MAPMDREF", "amo-tns", rows));
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->state, BatchState::kCompleted);
  std::map<std::string, ReportRow> by_record;
  for (const ReportRow& r : Report("MAPMDREF", batch_id)) by_record[r.record_id] = r;
  for (int gap : {1, 3, 4, 6}) {
    for (int i = 0; i < kPairs; ++i) {
      const ReportRow& first = by_record[absl::StrCat("G", gap, "-", i)];
      const ReportRow& second = by_record[absl::StrCat("L", gap, "-", i)];
      EXPECT_EQ(first.outcome, "REGISTERED") << first.record_id;
      EXPECT_EQ(second.outcome, "NEEDS_REVIEW") << second.record_id << " comes " << gap << " rows after its look-alike";
      EXPECT_EQ(second.reasons, "name:LOOKS_LIKE_REGISTERED_PERSON") << second.record_id;
    }
  }
  EXPECT_EQ(status->outcomes.at("NEEDS_REVIEW"), 4 * kPairs);
}

TEST_P(BatchApplierTest, ALookAlikeOfAPersonRegisteredInAnyEarlierChunkGoesToReview) {
  // The fixture's chunks of five rows, read two at a time: a look-alike of a person registered one
  // row earlier (in the same slice, not yet written), in an earlier slice or one or two chunks
  // earlier goes to review like any other.
  ExpectLookAlikesGoToReview("MAP-AHEAD");
}

TEST_P(BatchApplierTest, ALookAlikeOfAPersonRegisteredInAnEarlierSliceOfTheSameChunkGoesToReview) {
  // Chunks of seven rows read two at a time: the look-alike of a person written by an earlier
  // slice of the same transaction (not committed, but seen by the slice's query) goes to review.
  applier_ = std::make_unique<BatchApplier>(
      Context(AllPrograms()), [] {}, 7, 2);
  ExpectLookAlikesGoToReview("MAP-SLICES");
}

TEST_P(BatchApplierTest, EveryLookupOfTheChunkQueryCanUseAnIndex) {
  // A batch of 50 households of four is staged and its statistics gathered. With a scan made
  // the plan of last resort on PostgreSQL, no lookup of either phase may be left to one, and a
  // dependent's search for its head must look its household up in the household index.
  const bool postgres = db_->dialect() == storage::Dialect::kPostgres;
  std::vector<StagedRow> rows;
  for (int i = 0; i < 200; ++i) {
    StagedRow row;
    row.row_number = i + 1;
    row.household_id = absl::StrCat("H", i / 4);
    row.relationship = i % 4 == 0 ? "HEAD" : "CHILD";
    rows.push_back(std::move(row));
  }
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                   RETURN_IF_ERROR(BatchStore::Stage(tx, "PLAN/1", rows));
                   return tx.ExecuteScript(postgres ? "ANALYZE batch_rows" : "ANALYZE");
                 })
                  .ok());
  for (ApplyPhase phase : {ApplyPhase::kHeadsAndSingles, ApplyPhase::kDependents}) {
    std::string plan;
    ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     if (postgres) RETURN_IF_ERROR(tx.ExecuteScript("SET LOCAL enable_seqscan = off"));
                     ASSIGN_OR_RETURN(plan, BatchStore::ExplainChunk(tx, phase));
                     return absl::OkStatus();
                   })
                    .ok());
    SCOPED_TRACE(plan);
    EXPECT_THAT(plan, ::testing::Not(::testing::ContainsRegex(postgres ? "Seq Scan" : "SCAN ")));
    if (phase == ApplyPhase::kDependents) {
      EXPECT_THAT(plan, postgres
                            ? ::testing::ContainsRegex("Index Cond: [^\n]*household_id = r\\.household_id")
                            : ::testing::ContainsRegex("batch_rows_household [(]batch_key=[?] AND household_id=[?]"));
    }
  }
}

INSTANTIATE_BACKENDS(BatchApplierTest);

}  // namespace
}  // namespace himaya::registration
