// FileOfRows: the rows of one claim_id made into a file, each rule of docs/claims-file.md's
// "Refused whole, or per row" at work.
#include "claims/src/batch_files.h"

#include "gtest/gtest.h"

namespace himaya::claims {
namespace {

StagedClaimRow Row(int64_t row, const std::string& number = "100000017",
                   absl::CivilDay filed = absl::CivilDay(2026, 5, 8)) {
  StagedClaimRow r;
  r.row_number = row;
  r.claim_id = "F-1";
  r.registration_number = number;
  r.filed_date = filed;
  r.item = {0, number, absl::CivilDay(2026, 5, 2), "C", 1, 8000, "", ""};
  r.registration_valid = true;
  r.filed_date_valid = true;
  return r;
}

// Received on 2026-05-11 (11:46 UTC), due nine days later.
const BatchReceipt kReceipt{"CASHPLUS", "B-1", absl::FromUnixSeconds(1778500000), absl::CivilDay(2026, 5, 11),
                            absl::CivilDay(2026, 5, 20)};

TEST(FileOfRows, TheFileTakesItsFirstRowsValuesAndNumbersItsItemsInOrder) {
  BatchFile file = FileOfRows({Row(3), Row(7), Row(8)}, kReceipt);
  const Claim& c = file.claim;
  EXPECT_EQ(c.claim_id, "F-1");
  EXPECT_EQ(c.registration_number, "100000017");
  EXPECT_EQ(c.filed_date, absl::CivilDay(2026, 5, 8));
  EXPECT_EQ(c.channel, "BATCH:CASHPLUS/B-1");
  EXPECT_EQ(c.sender, "CASHPLUS");
  EXPECT_EQ(c.batch_id, "B-1");
  EXPECT_EQ(c.state, kClaimReceived);
  EXPECT_EQ(c.received_at, kReceipt.received_at);
  EXPECT_EQ(c.due_date, absl::CivilDay(2026, 5, 20));
  EXPECT_EQ(c.claimed_centimes, 24000);
  ASSERT_EQ(c.items.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.items[i].filed.item, i + 1);
    EXPECT_EQ(c.items[i].filed.invalid_field, "");
  }
  EXPECT_EQ(c.items[1].row_number, 7);
  EXPECT_TRUE(file.rows_beyond_limit.empty());
}

TEST(FileOfRows, ARowThatDisagreesWithTheFirstIsInvalidNamingTheField) {
  BatchFile file = FileOfRows({Row(1), Row(2, "100000025"), Row(3, "100000017", absl::CivilDay(2026, 5, 9))}, kReceipt);
  ASSERT_EQ(file.claim.items.size(), 3u);
  EXPECT_EQ(file.claim.items[0].filed.invalid_field, "");
  EXPECT_EQ(file.claim.items[1].filed.invalid_field, "registration_number");
  EXPECT_EQ(file.claim.items[2].filed.invalid_field, "filed_date");
}

TEST(FileOfRows, AnEarlierFaultOfTheRowIsKept) {
  StagedClaimRow beneficiary = Row(2, "100000017", absl::CivilDay(2026, 5, 9));
  beneficiary.item.invalid_field = "beneficiary_id";  // before filed_date in the contract
  StagedClaimRow amount = Row(3, "100000025");
  amount.item.invalid_field = "amount_paid";  // after registration_number
  BatchFile file = FileOfRows({Row(1), beneficiary, amount}, kReceipt);
  EXPECT_EQ(file.claim.items[1].filed.invalid_field, "beneficiary_id");
  EXPECT_EQ(file.claim.items[2].filed.invalid_field, "registration_number");
}

TEST(FileOfRows, WhenTheFirstRowsOwnValueIsInvalidEveryRowNamesIt) {
  StagedClaimRow first = Row(1, "100000018");
  first.registration_valid = false;
  first.item.invalid_field = "registration_number";
  BatchFile file = FileOfRows({first, Row(2, "100000018")}, kReceipt);
  for (const ClaimItemRecord& i : file.claim.items) EXPECT_EQ(i.filed.invalid_field, "registration_number");

  StagedClaimRow undated = Row(1);
  undated.filed_date_valid = false;
  undated.item.invalid_field = "filed_date";
  StagedClaimRow quantity = Row(2);
  quantity.item.invalid_field = "quantity";
  file = FileOfRows({undated, quantity}, kReceipt);
  for (const ClaimItemRecord& i : file.claim.items) EXPECT_EQ(i.filed.invalid_field, "filed_date");
}

TEST(FileOfRows, AFileFiledAfterTheDayOfReceiptIsInvalidOnEveryRow) {
  BatchFile on_the_day = FileOfRows({Row(1, "100000017", absl::CivilDay(2026, 5, 11))}, kReceipt);
  EXPECT_EQ(on_the_day.claim.items[0].filed.invalid_field, "") << "filed on the day of receipt";

  StagedClaimRow quantity = Row(2, "100000017", absl::CivilDay(2026, 5, 12));
  quantity.item.invalid_field = "quantity";  // after filed_date in the contract
  BatchFile next_day = FileOfRows({Row(1, "100000017", absl::CivilDay(2026, 5, 12)), quantity}, kReceipt);
  for (const ClaimItemRecord& i : next_day.claim.items) EXPECT_EQ(i.filed.invalid_field, "filed_date");
}

TEST(FileOfRows, TheFiftyFirstRowAndThoseAfterBelongToNoFile) {
  std::vector<StagedClaimRow> rows;
  for (int64_t r = 1; r <= 52; ++r) rows.push_back(Row(r * 10));
  BatchFile file = FileOfRows(rows, kReceipt);
  EXPECT_EQ(file.claim.items.size(), 50u);
  EXPECT_EQ(file.claim.items.back().filed.item, 50);
  EXPECT_EQ(file.rows_beyond_limit, (std::vector<int64_t>{510, 520}));
  EXPECT_EQ(file.claim.claimed_centimes, 50 * 8000);
}

}  // namespace
}  // namespace himaya::claims
