// The payment file's reader: rows read in any chunking, columns in any order, each bad value an
// INVALID row naming its column, a payment given twice in the file, and the file refused whole
// when it is not what its manifest says or past the bounds.
#include "contributions/src/payment_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "liaison/manifested_csv.h"

namespace himaya::contributions {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<std::vector<PaymentRow>> ReadFile(const std::string& text, int64_t rows, size_t chunk = 0) {
  absl::StatusOr<std::unique_ptr<PaymentFileReader>> reader =
      PaymentFileReader::Open({"PAY-2026-03", liaison::Sha256Hex(text), rows});
  if (!reader.ok()) return reader.status();
  const size_t size = chunk == 0 ? text.size() : chunk;
  for (size_t at = 0; at < text.size(); at += size) {
    if (absl::Status s = (*reader)->Feed(absl::string_view(text).substr(at, size)); !s.ok()) return s;
  }
  return (*reader)->Finish();
}

constexpr char kHeader[] = "payment_id,registration_number,amount_centimes,paid_on\n";

TEST(PaymentFile, RowsAreReadInOrderWhateverTheChunks) {
  const std::string text = std::string(kHeader) + "P-1,100000017,9555,2026-03-15\nP-2,100000025,100,2026-03-16\n";
  for (size_t chunk : {0, 1, 7}) {
    absl::StatusOr<std::vector<PaymentRow>> rows = ReadFile(text, 2, chunk);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].row, 1);
    EXPECT_EQ((*rows)[0].payment_id, "P-1");
    EXPECT_EQ((*rows)[0].registration_number, "100000017");
    EXPECT_EQ((*rows)[0].amount_centimes, 9555);
    EXPECT_EQ((*rows)[0].paid_on, absl::CivilDay(2026, 3, 15));
    EXPECT_EQ((*rows)[0].outcome, RowOutcome::kApplied);
    EXPECT_EQ((*rows)[1].row, 2);
  }
}

TEST(PaymentFile, ColumnsMayComeInAnyOrder) {
  absl::StatusOr<std::vector<PaymentRow>> rows =
      ReadFile("PAID_ON,Amount_Centimes,registration_number,payment_id\n2026-03-15,42,100000017,P-1\n", 1);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].amount_centimes, 42);
  EXPECT_EQ((*rows)[0].payment_id, "P-1");
}

TEST(PaymentFile, EachBadValueIsAnInvalidRowNamingItsColumn) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {",100000017,1,2026-03-15", "payment_id:"},
      {"P 1,100000017,1,2026-03-15", "payment_id:"},
      {std::string(65, 'P') + ",100000017,1,2026-03-15", "payment_id:"},
      {"P-1,100000018,1,2026-03-15", "registration_number:"},
      {"P-1,,1,2026-03-15", "registration_number:"},
      {"P-1,100000017,0,2026-03-15", "amount_centimes:"},
      {"P-1,100000017,-5,2026-03-15", "amount_centimes:"},
      {"P-1,100000017,95.55,2026-03-15", "amount_centimes:"},
      {"P-1,100000017,10000000001,2026-03-15", "amount_centimes:"},
      {"P-1,100000017,99999999999999999999,2026-03-15", "amount_centimes:"},
      {"P-1,100000017,1,2026-02-30", "paid_on:"},
      {"P-1,100000017,1,15/03/2026", "paid_on:"},
      {"P-1,100000017,1", "row: not as many fields as the header"},
  };
  for (const auto& [row, reason] : cases) {
    absl::StatusOr<std::vector<PaymentRow>> rows = ReadFile(std::string(kHeader) + row + "\n", 1);
    ASSERT_TRUE(rows.ok()) << row << ": " << rows.status();
    EXPECT_EQ((*rows)[0].outcome, RowOutcome::kInvalid) << row;
    EXPECT_THAT((*rows)[0].reason, HasSubstr(reason)) << row;
  }
  absl::StatusOr<std::vector<PaymentRow>> largest =
      ReadFile(std::string(kHeader) + "P-1,100000017,10000000000,2026-03-15\n", 1);
  EXPECT_EQ((*largest)[0].outcome, RowOutcome::kApplied);
}

TEST(PaymentFile, APaymentGivenTwiceInTheFileIsADuplicateFromItsSecondRow) {
  absl::StatusOr<std::vector<PaymentRow>> rows =
      ReadFile(std::string(kHeader) + "P-1,100000017,1,2026-03-15\nP-1,100000025,2,2026-03-15\n", 2);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].outcome, RowOutcome::kApplied);
  EXPECT_EQ((*rows)[1].outcome, RowOutcome::kDuplicatePayment);
}

TEST(PaymentFile, AFileThatIsNotWhatItsManifestSaysIsRefusedWhole) {
  const std::string text = std::string(kHeader) + "P-1,100000017,1,2026-03-15\n";
  EXPECT_THAT(ReadFile(text, 2).status().message(), HasSubstr("record_count"));
  EXPECT_THAT(ReadFile(text + "P-2,100000017,1,2026-03-15\n", 1).status().message(), HasSubstr("record_count"));
  absl::StatusOr<std::unique_ptr<PaymentFileReader>> reader =
      PaymentFileReader::Open({"F", liaison::Sha256Hex("other"), 1});
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Feed(text).ok());
  EXPECT_THAT((*reader)->Finish().status().message(), HasSubstr("sha256"));
  EXPECT_THAT(ReadFile("payment_id,registration_number,amount_centimes\nP-1,100000017,1\n", 1).status().message(),
              HasSubstr("header: missing column paid_on"));
}

TEST(PaymentFile, TheManifestIsCheckedFieldByField) {
  const std::string sha = liaison::Sha256Hex("x");
  EXPECT_THAT(CheckPaymentManifest({"", sha, 1}).message(), HasSubstr("file_id:"));
  EXPECT_THAT(CheckPaymentManifest({"a/b", sha, 1}).message(), HasSubstr("file_id:"));
  EXPECT_THAT(CheckPaymentManifest({std::string(65, 'a'), sha, 1}).message(), HasSubstr("file_id:"));
  EXPECT_THAT(CheckPaymentManifest({"F", "abc", 1}).message(), HasSubstr("sha256:"));
  EXPECT_THAT(CheckPaymentManifest({"F", std::string(64, 'g'), 1}).message(), HasSubstr("sha256:"));
  EXPECT_THAT(CheckPaymentManifest({"F", sha, 0}).message(), HasSubstr("row_count: must be from 1 to 200000"));
  EXPECT_THAT(CheckPaymentManifest({"F", sha, kMaxPaymentRows + 1}).message(), HasSubstr("row_count:"));
  EXPECT_TRUE(CheckPaymentManifest({"PAY-2026.03_a", sha, kMaxPaymentRows}).ok());
}

TEST(PaymentFile, AFileLargerThanTheBoundIsRefused) {
  absl::StatusOr<std::unique_ptr<PaymentFileReader>> reader =
      PaymentFileReader::Open({"F", liaison::Sha256Hex("x"), 1});
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Feed(kHeader).ok());
  const std::string big(kMaxPaymentFileBytes, 'x');
  EXPECT_THAT((*reader)->Feed(big).message(), HasSubstr("file: larger than"));
}

}  // namespace
}  // namespace himaya::contributions
