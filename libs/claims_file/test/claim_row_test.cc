// A bulk claims file's row read into an item (ReadClaimRow), and the field checks SubmitClaim
// shares with it: every field's bounds and bad forms, and which field is named first.
#include "claims_file/claim_row.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::claims_file {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kInsured[] = "100000017";  // valid (Luhn 7)
constexpr char kOther[] = "100000025";    // valid, another insured

// A row as a CSV header would name its fields; every field valid until a test changes one.
std::map<std::string, std::string> GoodRow() {
  return {{"claim_id", "F-2026-0001"}, {"registration_number", kInsured}, {"beneficiary_id", kInsured},
          {"care_date", "2026-03-01"}, {"filed_date", "2026-03-10"},      {"act_code", "C"},
          {"quantity", "1"},           {"amount_paid", "80.00"},          {"ald_certificate", ""}};
}

ClaimRow Read(const std::map<std::string, std::string>& fields, int64_t row = 1) {
  static const std::string kEmpty;
  return ReadClaimRow(row, [&](const std::string& column) -> const std::string& {
    auto it = fields.find(column);
    return it == fields.end() ? kEmpty : it->second;
  });
}

// The field ReadClaimRow names when `column` holds `value` in an otherwise good row.
std::string InvalidFieldWith(const std::string& column, const std::string& value) {
  auto fields = GoodRow();
  fields[column] = value;
  return Read(fields).item.invalid_field;
}

TEST(ClaimsFile, ColumnsInTheContractsOrder) {
  EXPECT_THAT(ClaimsFileRequiredColumns(), ElementsAre("claim_id", "registration_number", "beneficiary_id", "care_date",
                                                       "filed_date", "act_code", "quantity", "amount_paid"));
  EXPECT_STREQ(kAldCertificateColumn, "ald_certificate");
}

TEST(ReadClaimRow, ReadsAGoodRow) {
  auto fields = GoodRow();
  fields["act_code"] = "  cs.2 ";
  fields["quantity"] = "3";
  fields["amount_paid"] = "150.5";
  fields["ald_certificate"] = "ALD-2025/000123";
  fields["beneficiary_id"] = std::string(kInsured) + "-02";
  const ClaimRow row = Read(fields, 7);
  EXPECT_EQ(row.row, 7);
  EXPECT_EQ(row.claim_id, "F-2026-0001");
  EXPECT_EQ(row.registration_number, kInsured);
  EXPECT_EQ(row.filed_date, absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(row.item.invalid_field, "");
  EXPECT_EQ(row.item.item, 0);  // the intake numbers the items
  EXPECT_EQ(row.item.beneficiary_id, "100000017-02");
  EXPECT_EQ(row.item.care_date, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(row.item.act_code, "CS.2");
  EXPECT_EQ(row.item.quantity, 3);
  EXPECT_EQ(row.item.amount_paid_centimes, 15050);
  EXPECT_EQ(row.item.ald_certificate, "ALD-2025/000123");
}

TEST(ReadClaimRow, AldCertificateColumnIsOptional) {
  auto fields = GoodRow();
  fields.erase("ald_certificate");
  const ClaimRow row = Read(fields);
  EXPECT_EQ(row.item.invalid_field, "");
  EXPECT_EQ(row.item.ald_certificate, "");
}

TEST(ReadClaimRow, ClaimIdBounds) {
  EXPECT_EQ(InvalidFieldWith("claim_id", "A"), "");
  EXPECT_EQ(InvalidFieldWith("claim_id", std::string(32, 'z')), "");
  EXPECT_EQ(InvalidFieldWith("claim_id", "Az09-"), "");
  for (const std::string& bad : {std::string(), std::string(33, 'z'), std::string("F 1"), std::string("F_1"),
                                 std::string("F/1"), std::string("é1"), std::string("F.1")}) {
    EXPECT_EQ(InvalidFieldWith("claim_id", bad), "claim_id") << bad;
  }
}

TEST(ReadClaimRow, RegistrationNumberNeedsItsCheckDigit) {
  for (const char* bad : {"100000018", "10000001", "1000000170", "10000001X", "", " 100000017"}) {
    auto fields = GoodRow();
    fields["registration_number"] = bad;
    EXPECT_EQ(Read(fields).item.invalid_field, "registration_number") << bad;
  }
}

TEST(ReadClaimRow, BeneficiaryIsTheInsuredOrOneOfTheirDependents) {
  const std::string n = kInsured;
  for (const std::string& good : {n, n + "-01", n + "-10", n + "-99"}) {
    EXPECT_EQ(InvalidFieldWith("beneficiary_id", good), "") << good;
  }
  for (const std::string& bad : {n + "-00", n + "-1", n + "-100", n + "-AB", n + "-0a", n + "+01", n + "01",
                                 std::string(kOther), std::string(kOther) + "-01", std::string(), n.substr(0, 8)}) {
    EXPECT_EQ(InvalidFieldWith("beneficiary_id", bad), "beneficiary_id") << bad;
  }
}

TEST(ReadClaimRow, DaysAreWrittenYyyyMmDd) {
  for (const char* bad :
       {"2026-3-01", "2026-02-30", "01/03/2026", "2026-03-01T00:00", "", "20260301", " 2026-03-01", "2026-13-01"}) {
    EXPECT_EQ(InvalidFieldWith("care_date", bad), "care_date") << bad;
    EXPECT_EQ(InvalidFieldWith("filed_date", bad), "filed_date") << bad;
  }
  EXPECT_EQ(InvalidFieldWith("care_date", "2024-02-29"), "");
}

TEST(ReadClaimRow, CareMayBeOnTheFilingDayNotAfter) {
  EXPECT_EQ(InvalidFieldWith("care_date", "2026-03-10"), "");
  EXPECT_EQ(InvalidFieldWith("care_date", "2026-03-11"), "care_date");
  EXPECT_EQ(InvalidFieldWith("filed_date", "2026-02-28"), "care_date");
}

TEST(ReadClaimRow, ActCodeIsTrimmedAndUpperCased) {
  auto fields = GoodRow();
  fields["act_code"] = " b.120-x ";
  EXPECT_EQ(Read(fields).item.act_code, "B.120-X");
  EXPECT_EQ(InvalidFieldWith("act_code", std::string(16, 'A')), "");
  for (const std::string& bad : {std::string(), std::string("   "), std::string(17, 'A'), std::string("C S"),
                                 std::string("C_S"), std::string("C/S"), std::string("Ç")}) {
    EXPECT_EQ(InvalidFieldWith("act_code", bad), "act_code") << bad;
  }
}

TEST(ReadClaimRow, QuantityFromOneTo999) {
  EXPECT_EQ(InvalidFieldWith("quantity", "1"), "");
  EXPECT_EQ(InvalidFieldWith("quantity", "999"), "");
  EXPECT_EQ(InvalidFieldWith("quantity", "007"), "");
  for (const char* bad : {"0", "000", "1000", "-1", "+1", "1.0", "", "a", "1e2", " 1", "99999999999999999999"}) {
    EXPECT_EQ(InvalidFieldWith("quantity", bad), "quantity") << bad;
  }
}

TEST(ReadClaimRow, AmountPaidIsDirhamsAboveZero) {
  auto fields = GoodRow();
  fields["amount_paid"] = "0.01";
  EXPECT_EQ(Read(fields).item.amount_paid_centimes, 1);
  EXPECT_EQ(InvalidFieldWith("amount_paid", "10000000000.00"), "");
  for (const char* bad : {"0", "0.00", "-5", "5.001", "5,00", "", "10000000000.01", "abc"}) {
    EXPECT_EQ(InvalidFieldWith("amount_paid", bad), "amount_paid") << bad;
  }
}

TEST(ReadClaimRow, AldCertificateIsPrintableAsciiUpTo32) {
  EXPECT_EQ(InvalidFieldWith("ald_certificate", std::string(32, 'A')), "");
  EXPECT_EQ(InvalidFieldWith("ald_certificate", "ALD 1/2 (x)"), "");
  for (const std::string& bad : {std::string(33, 'A'), std::string("ALD\t1"), std::string("ALD\n1"), std::string("Ａ1"),
                                 std::string("ALD\x7f")}) {
    EXPECT_EQ(InvalidFieldWith("ald_certificate", bad), "ald_certificate") << bad;
  }
}

TEST(ReadClaimRow, NamesTheFirstBadFieldInTheContractsOrder) {
  auto fields = GoodRow();
  fields["ald_certificate"] = std::string(40, 'x');
  EXPECT_EQ(Read(fields).item.invalid_field, "ald_certificate");
  fields["amount_paid"] = "-1";
  EXPECT_EQ(Read(fields).item.invalid_field, "amount_paid");
  fields["quantity"] = "0";
  EXPECT_EQ(Read(fields).item.invalid_field, "quantity");
  fields["act_code"] = "";
  EXPECT_EQ(Read(fields).item.invalid_field, "act_code");
  fields["filed_date"] = "x";
  EXPECT_EQ(Read(fields).item.invalid_field, "filed_date");
  fields["care_date"] = "x";
  EXPECT_EQ(Read(fields).item.invalid_field, "care_date");
  fields["beneficiary_id"] = kOther;
  EXPECT_EQ(Read(fields).item.invalid_field, "beneficiary_id");
  fields["registration_number"] = "123";
  EXPECT_EQ(Read(fields).item.invalid_field, "registration_number");
  fields["claim_id"] = "";
  EXPECT_EQ(Read(fields).item.invalid_field, "claim_id");
}

TEST(ReadClaimRow, KeepsClaimIdAndNumberAsWrittenBounded) {
  auto fields = GoodRow();
  fields["claim_id"] = std::string(100, 'Q');
  fields["registration_number"] = "12345";
  const ClaimRow row = Read(fields);
  EXPECT_EQ(row.item.invalid_field, "claim_id");
  EXPECT_EQ(row.claim_id, std::string(64, 'Q'));
  EXPECT_EQ(row.registration_number, "12345");
}

TEST(ReadClaimRow, AnEmptyRowIsInvalidNotAFailure) {
  const ClaimRow row = Read({});
  EXPECT_EQ(row.item.invalid_field, "claim_id");
}

TEST(FieldChecks, ErrorsNameTheFieldAndNeverTheValue) {
  const std::vector<absl::Status> errors = {
      CheckClaimId("SECRET 1"),
      CheckBeneficiaryOf(kInsured, "SECRET"),
      ParseClaimDay("care_date", "SECRET").status(),
      NormalizeActCode("SECRET!").status(),
      CheckQuantity(0),
      CheckAmountPaid(0),
      CheckAldCertificate("SECRET\n"),
  };
  for (const absl::Status& s : errors) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("SECRET"))) << s;
  }
  EXPECT_THAT(std::string(CheckQuantity(1000).message()), ::testing::StartsWith("quantity: "));
}

TEST(FieldChecks, TypedBoundsAsTheRowsOnes) {
  EXPECT_TRUE(CheckQuantity(1).ok());
  EXPECT_TRUE(CheckQuantity(999).ok());
  EXPECT_FALSE(CheckQuantity(1000).ok());
  EXPECT_FALSE(CheckQuantity(-1).ok());
  EXPECT_TRUE(CheckAmountPaid(1).ok());
  EXPECT_TRUE(CheckAmountPaid(1'000'000'000'000).ok());
  EXPECT_FALSE(CheckAmountPaid(1'000'000'000'001).ok());
  EXPECT_FALSE(CheckAmountPaid(-1).ok());
  EXPECT_TRUE(CheckAldCertificate("").ok());
  EXPECT_FALSE(CheckAldCertificate(" A").ok());
  EXPECT_FALSE(CheckAldCertificate("A ").ok());
}

FiledItem GoodItem() {
  FiledItem item;
  item.item = 1;
  item.beneficiary_id = std::string(kInsured) + "-01";
  item.care_date = absl::CivilDay(2026, 3, 1);
  item.act_code = "CS";
  item.quantity = 1;
  item.amount_paid_centimes = 15000;
  return item;
}

TEST(CheckFiledItem, ChecksEachFieldInOrder) {
  const absl::CivilDay filed(2026, 3, 10);
  EXPECT_TRUE(CheckFiledItem(kInsured, filed, GoodItem()).ok());

  FiledItem item = GoodItem();
  item.care_date = filed;
  EXPECT_TRUE(CheckFiledItem(kInsured, filed, item).ok());
  item.care_date = filed + 1;
  EXPECT_THAT(std::string(CheckFiledItem(kInsured, filed, item).message()), ::testing::StartsWith("care_date: "));
  item.beneficiary_id = kOther;
  EXPECT_THAT(std::string(CheckFiledItem(kInsured, filed, item).message()), ::testing::StartsWith("beneficiary_id: "));

  item = GoodItem();
  item.act_code = "cs";
  EXPECT_THAT(std::string(CheckFiledItem(kInsured, filed, item).message()), ::testing::StartsWith("act_code: "));
  item = GoodItem();
  item.quantity = 0;
  EXPECT_THAT(std::string(CheckFiledItem(kInsured, filed, item).message()), ::testing::StartsWith("quantity: "));
  item = GoodItem();
  item.amount_paid_centimes = 0;
  EXPECT_THAT(std::string(CheckFiledItem(kInsured, filed, item).message()), ::testing::StartsWith("amount_paid: "));
  item = GoodItem();
  item.ald_certificate = std::string(33, 'A');
  EXPECT_THAT(std::string(CheckFiledItem(kInsured, filed, item).message()), ::testing::StartsWith("ald_certificate: "));
}

}  // namespace
}  // namespace himaya::claims_file
