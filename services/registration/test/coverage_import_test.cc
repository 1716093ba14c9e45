// Coverage reference files on both backends: additions and updates, never deletions; errors
// reported, refusals changing nothing, an interrupted upload leaving nothing staged.
#include "registration/src/coverage_import.h"

#include "intake_fixture.h"

namespace himaya::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CoverageImportTest : public IntakeTest {};

TEST_P(CoverageImportTest, CoverageFilesAddAndUpdateButNeverDelete) {
  LoadCoverage(
      "cin,scheme,valid_from,valid_to\nA1,CNOPS,2010-01-01,\nA2,CNOPS,2010-01-01,2021-12-31\n"
      "A3,CNOPS,2030-01-01,\nbad,CNOPS,2010-01-01,\n");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverages"), 3);
  // Newer file: A1 ends, A4 is new; A2 and A3 are not mentioned and stay.
  std::string newer = "cin,scheme,valid_from,valid_to\nA1,CNOPS,2010-01-01,2022-01-31\nA4,CNOPS,2020-01-01,\n";
  liaison::Manifest m = ManifestFor(newer, "CNOPS-2022-02", "CNOPS", "", 2);
  auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Feed(newer).ok());
  auto result = (*upload)->Finish();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->coverages_added, 1);
  EXPECT_EQ(result->coverages_updated, 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverages"), 4);

  // On 2022-03-15 only A4 is covered: A1 ended, A2 ended, A3 starts later.
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,A1,Alaoui,Ali,1980-01-01,M,AGRI\n2,A2,Alaoui,Aziz,1980-01-01,M,AGRI\n"
      "3,A3,Alaoui,Amal,1980-01-01,F,AGRI\n4,A4,Alaoui,Asmae,1980-01-01,F,AGRI\n";
  auto status = Submit(csv, ManifestFor(csv, "MAP-2", "MAPMDREF", "amo-tns", 4));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->outcomes.at("REGISTERED"), 3);
  EXPECT_EQ(status->outcomes.at("ALREADY_COVERED"), 1);
}

TEST_P(CoverageImportTest, CoverageFileErrorsAreReportedAndRefusalsChangeNothing) {
  std::string csv =
      "cin,scheme,valid_from,valid_to\nA1,CNOPS,2010-01-01,\nbad,,2010-13-01,\nA2,CNOPS,2020-01-01,2019-01-01\n"
      "A3,CNOPS,2010-01-01,,extra\n";
  csv += "A4," + std::string(65, 'S') + ",2010-01-01,\n";
  liaison::Manifest m = ManifestFor(csv, "C1", "CNOPS", "", 5);
  auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE((*upload)->Feed(csv).ok());
  auto result = (*upload)->Finish();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows_invalid, 4);
  EXPECT_THAT(result->errors, ElementsAre(HasSubstr("row 2: cin:"), HasSubstr("row 3: valid_to: is before"),
                                          HasSubstr("row 4: row: 5 fields where the header has 4"),
                                          HasSubstr("row 5: scheme: is longer than 64 characters")));
  liaison::Manifest wrong = ManifestFor(csv, "C2", "NOBODY", "", 3);
  EXPECT_EQ(CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, wrong).status().code(),
            absl::StatusCode::kInvalidArgument);
  liaison::Manifest short_count = ManifestFor(csv, "C3", "CNOPS", "", 2);
  auto refused = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, short_count);
  (*refused)->Feed(csv).IgnoreError();
  EXPECT_FALSE((*refused)->Finish().ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverages"), 1);
}

TEST_P(CoverageImportTest, AnInterruptedCoverageUploadLeavesNothingStaged) {
  std::string csv = "cin,scheme,valid_from,valid_to\n";
  for (int i = 0; i < 3000; ++i) absl::StrAppend(&csv, "A", i, ",CNOPS,2010-01-01,\n");
  liaison::Manifest m = ManifestFor(csv, "C9", "CNOPS", "", 3000);
  auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE(upload.ok());
  // Half the file (enough rows to be staged), then the client goes away.
  ASSERT_TRUE((*upload)->Feed(absl::string_view(csv).substr(0, csv.size() / 2)).ok());
  EXPECT_GT(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_staging"), 0);
  (*upload)->Abort();
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_staging"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverages"), 0);
  // And the file may be sent again.
  auto again = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Feed(csv).ok());
  EXPECT_TRUE((*again)->Finish().ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverages"), 3000);
}

INSTANTIATE_BACKENDS(CoverageImportTest);

}  // namespace
}  // namespace himaya::registration
