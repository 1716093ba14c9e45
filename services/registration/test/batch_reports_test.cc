// Batch reconciliation reports on both backends: row numbers, spreadsheet-safe fields, pages
// after a cursor.
#include "registration/src/batch_reports.h"

#include "intake_fixture.h"

namespace himaya::registration {
namespace {

class BatchReportsTest : public IntakeTest {};

TEST_P(BatchReportsTest, ReportsCarryTheRowNumberAndAreSafeInASpreadsheet) {
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",A1,Alaoui,Ali,1980-01-01,M,CPU\n"
      "+1,A2,Alaoui,Aziz,1980-01-01,M,CPU\n"
      "-2,A3,Alaoui,Amal,1980-01-01,F,CPU\n"
      "@SUM(A1),A4,Alaoui,Asmae,1980-01-01,F,CPU\n"
      "ok,A5,Alaoui,Anas,1980-01-01,M,CPU\n";
  auto status = Submit(csv, ManifestFor(csv, "DGI-F", "DGI", "amo-tns", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  std::string text;
  ASSERT_TRUE(WriteBatchReport(*db_, "DGI", "DGI-F", [&](const std::string& page) {
                text += page;
                return absl::OkStatus();
              }).ok());
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[0], "record_id,row_number,outcome,registration_number,reasons");
  EXPECT_THAT(lines[1], ::testing::StartsWith("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,REGISTERED,"));
  EXPECT_THAT(lines[2], ::testing::StartsWith("'+1,2,REGISTERED,"));
  EXPECT_THAT(lines[3], ::testing::StartsWith("'-2,3,REGISTERED,"));
  EXPECT_THAT(lines[4], ::testing::StartsWith("'@SUM(A1),4,REGISTERED,"));
  EXPECT_THAT(lines[5], ::testing::StartsWith("ok,5,REGISTERED,"));
}

TEST_P(BatchReportsTest, ReportsAreReadAPageAtATimeAfterACursor) {
  std::string csv = "record_id,cin,last_name,first_name,birth_date,sex,category\n";
  for (int i = 1; i <= 5; ++i) absl::StrAppend(&csv, "r", i, ",P", i, ",Alaoui,Ali,1980-01-0", i, ",M,CPU\n");
  auto status = Submit(csv, ManifestFor(csv, "DGI-P", "DGI", "amo-tns", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  const std::string whole = ReportText("DGI", "DGI-P");
  // Two rows a page: the header, then rows 1-2, 3-4 and 5, the last.
  std::vector<std::string> pages;
  std::optional<int64_t> after_row;
  for (int i = 0; i < 10; ++i) {
    auto page = ReadBatchReportPage(*db_, "DGI", "DGI-P", after_row, /*page_rows=*/2);
    ASSERT_TRUE(page.ok()) << page.status();
    pages.push_back(page->csv);
    if (page->last) break;
    after_row = page->next_after_row;
  }
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0], "record_id,row_number,outcome,registration_number,reasons\n");
  EXPECT_THAT(pages[1], ::testing::StartsWith("r1,1,REGISTERED,"));
  EXPECT_THAT(pages[3], ::testing::StartsWith("r5,5,REGISTERED,"));
  EXPECT_EQ(absl::StrJoin(pages, ""), whole);
  // A batch not yet complete, or unknown, has no first page.
  EXPECT_EQ(ReadBatchReportPage(*db_, "DGI", "NOPE", std::nullopt).status().code(), absl::StatusCode::kNotFound);
}

INSTANTIATE_BACKENDS(BatchReportsTest);

}  // namespace
}  // namespace himaya::registration
