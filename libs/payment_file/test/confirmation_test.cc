// PaymentConfirmationReader: the bank's confirmation read whole or a byte at a time, its columns
// in any order, and every bad record refused with the line (or record) and the field at fault.
#include "payment_file/confirmation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::payment_file {
namespace {

using ::testing::HasSubstr;

constexpr char kRun[] = "PAY-20260301";
constexpr char kHeader[] = "run_id,line,registration_number,status,reason\n";

absl::StatusOr<std::vector<ConfirmedLine>> ReadAll(absl::string_view csv,
                                                   PaymentConfirmationReader::Limits limits = {}) {
  PaymentConfirmationReader reader(kRun, limits);
  if (absl::Status s = reader.Feed(csv); !s.ok()) return s;
  return reader.Finish();
}

PaymentConfirmationReader::Limits Limits(int64_t max_lines, int64_t max_bytes) {
  PaymentConfirmationReader::Limits limits;
  limits.max_lines = max_lines;
  limits.max_bytes = max_bytes;
  return limits;
}

// The error of reading `records` after the header, which must be INVALID_ARGUMENT.
std::string ErrorOf(absl::string_view records) {
  auto read = ReadAll(std::string(kHeader) + std::string(records));
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument) << records;
  return std::string(read.status().message());
}

TEST(PaymentConfirmationReaderTest, ReadsPaidAndFailedLinesInTheFilesOrder) {
  auto read = ReadAll(
      absl::StrCat(kHeader, "PAY-20260301,2,100000025,FAILED,ACCOUNT_CLOSED\n", "PAY-20260301,1,100000017,PAID,\n"));
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].record, 1);
  EXPECT_EQ((*read)[0].line, 2);
  EXPECT_EQ((*read)[0].registration_number, "100000025");
  EXPECT_EQ((*read)[0].status, LineStatus::kFailed);
  EXPECT_EQ((*read)[0].reason, "ACCOUNT_CLOSED");
  EXPECT_EQ((*read)[1].record, 2);
  EXPECT_EQ((*read)[1].line, 1);
  EXPECT_EQ((*read)[1].status, LineStatus::kPaid);
  EXPECT_EQ((*read)[1].reason, "");
}

TEST(PaymentConfirmationReaderTest, ColumnsInAnyOrderWithBomCrlfAndQuotesReadAByteAtATime) {
  const std::string csv =
      "\xEF\xBB\xBFreason,status,registration_number,line,run_id\r\n"
      "\"closed, by the bank\",FAILED,100000017,1,PAY-20260301\r\n"
      "OK,PAID,100000025,2,PAY-20260301";
  PaymentConfirmationReader reader(kRun);
  for (char c : csv) ASSERT_TRUE(reader.Feed(absl::string_view(&c, 1)).ok());
  auto read = reader.Finish();
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].reason, "closed, by the bank");
  EXPECT_EQ((*read)[0].status, LineStatus::kFailed);
  EXPECT_EQ((*read)[1].line, 2);
  EXPECT_EQ((*read)[1].registration_number, "100000025");
  EXPECT_EQ((*read)[1].reason, "OK");
}

TEST(PaymentConfirmationReaderTest, TheHeaderNamesTheFiveColumnsOnce) {
  EXPECT_THAT(ReadAll("run_id,line,registration_number,status\n").status().message(), HasSubstr("no column reason"));
  EXPECT_THAT(ReadAll("run_id,line,registration_number,status,reason,amount\n").status().message(),
              HasSubstr("unknown column 6"));
  EXPECT_THAT(ReadAll("run_id,line,line,registration_number,status,reason\n").status().message(),
              HasSubstr("column line is named twice"));
}

TEST(PaymentConfirmationReaderTest, AnEmptyFileOrOneWithoutLinesIsRefused) {
  EXPECT_THAT(ReadAll("").status().message(), HasSubstr("no header"));
  EXPECT_THAT(ReadAll(kHeader).status().message(), HasSubstr("confirms no line"));
}

TEST(PaymentConfirmationReaderTest, ABadLineNumberNamesTheRecord) {
  for (const char* line : {"0", "-1", "x", "+1", "", "1.5", "99999999999999999999"}) {
    EXPECT_THAT(ErrorOf(absl::StrCat("PAY-20260301,", line, ",100000017,PAID,\n")),
                HasSubstr("record 1: line is not a line number"))
        << line;
  }
}

TEST(PaymentConfirmationReaderTest, EachBadFieldNamesTheLine) {
  const std::string ok = "PAY-20260301,1,100000017,PAID,\n";
  EXPECT_THAT(ErrorOf(ok + "PAY-20260302,2,100000025,PAID,\n"),
              HasSubstr("line 2 (record 2): run_id is not the run being confirmed"));
  EXPECT_THAT(ErrorOf(ok + "PAY-20260301,1,100000017,PAID,\n"),
              HasSubstr("line 1 (record 2): the line is given twice"));
  EXPECT_THAT(ErrorOf("PAY-20260301,3,,PAID,\n"), HasSubstr("line 3 (record 1): registration_number is empty"));
  EXPECT_THAT(ErrorOf(absl::StrCat("PAY-20260301,3,", std::string(33, '1'), ",PAID,\n")),
              HasSubstr("registration_number is empty or too long"));
  for (const char* status : {"PENDING", "paid", "", "REFUSED"}) {
    EXPECT_THAT(ErrorOf(absl::StrCat("PAY-20260301,4,100000017,", status, ",x\n")),
                HasSubstr("line 4 (record 1): status must be PAID or FAILED"))
        << status;
  }
  EXPECT_THAT(ErrorOf("PAY-20260301,5,100000017,FAILED,\n"), HasSubstr("a FAILED line needs the bank's reason"));
  EXPECT_THAT(ErrorOf(absl::StrCat("PAY-20260301,6,100000017,FAILED,", std::string(201, 'r'), "\n")),
              HasSubstr("line 6 (record 1): reason is not UTF-8 text of at most 200 bytes"));
  EXPECT_THAT(ErrorOf("PAY-20260301,7,100000017,FAILED,\xC3\x28\n"), HasSubstr("reason is not UTF-8"));
}

TEST(PaymentConfirmationReaderTest, ARecordWithTooFewOrTooManyFieldsIsRefused) {
  EXPECT_THAT(ErrorOf("PAY-20260301,1,100000017,PAID\n"), HasSubstr("record 1: 4 fields, the header has 5"));
  EXPECT_THAT(ErrorOf("PAY-20260301,1,100000017,PAID,,extra\n"), HasSubstr("record 1: 6 fields"));
}

TEST(PaymentConfirmationReaderTest, AFieldPastTheLiaisonLimitIsRefused) {
  const std::string huge(70 * 1024, 'x');
  EXPECT_THAT(ErrorOf(absl::StrCat("PAY-20260301,1,100000017,FAILED,", huge, "\n")),
              HasSubstr("record 1: reason is too long"));
}

TEST(PaymentConfirmationReaderTest, TheFileIsBoundedInLinesAndBytes) {
  const std::string two = absl::StrCat(kHeader, "PAY-20260301,1,100000017,PAID,\nPAY-20260301,2,100000025,PAID,\n");
  EXPECT_TRUE(ReadAll(two, Limits(2, kMaxConfirmationBytes)).ok());
  EXPECT_THAT(ReadAll(two, Limits(1, kMaxConfirmationBytes)).status().message(),
              HasSubstr("record 2: more than 1 lines"));
  EXPECT_TRUE(ReadAll(two, Limits(2, static_cast<int64_t>(two.size()))).ok());
  EXPECT_THAT(ReadAll(two, Limits(2, static_cast<int64_t>(two.size()) - 1)).status().message(),
              HasSubstr("larger than"));
}

TEST(PaymentConfirmationReaderTest, AfterAnErrorTheReaderStaysRefused) {
  PaymentConfirmationReader reader(kRun);
  EXPECT_FALSE(reader.Feed("run_id,nope\n").ok());
  EXPECT_FALSE(reader.Feed("PAY-20260301,1,100000017,PAID,\n").ok());
  EXPECT_EQ(reader.Finish().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PaymentConfirmationReaderTest, LineStatusNamesReadBack) {
  for (LineStatus s : {LineStatus::kPending, LineStatus::kPaid, LineStatus::kFailed}) {
    EXPECT_EQ(LineStatusNamed(LineStatusName(s)), s);
  }
  EXPECT_FALSE(LineStatusNamed("paid").has_value());
}

}  // namespace
}  // namespace himaya::payment_file
