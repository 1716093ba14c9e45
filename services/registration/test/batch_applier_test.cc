// The batch applier on both backends: an applier that lost its claim stops without retrying.
#include "registration/src/batch_applier.h"

#include "intake_fixture.h"

namespace himaya::registration {
namespace {

class BatchApplierTest : public IntakeTest {};

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
      3);
  absl::Status applied = applier.ApplyAllReady();
  EXPECT_TRUE(applied.ok()) << applied << ": a lost claim is no error to retry";
  auto status = GetBatchStatus(*db_, "MAPMDREF", "MAP-L");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, BatchState::kApplying);
  EXPECT_EQ(status->rows_applied, 3) << "the other process goes on from the last chunk committed";
}

INSTANTIATE_BACKENDS(BatchApplierTest);

}  // namespace
}  // namespace himaya::registration
