// The TNR file: a version's CSV read act by act (every column's bounds, every error naming its
// line and field).
#include "claims_file/tariff_csv.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::claims_file {
namespace {

using ::testing::HasSubstr;

constexpr char kHeader[] = "act_code,label,category,tnr_amount,max_quantity,min_days_between\n";

std::string WithRow(const std::string& row) {
  return absl::StrCat(kHeader, "C,Consultation,CONSULTATION,80.00,1,0\n", row, "\n");
}

// The error of a file whose second act is `row`.
std::string ErrorOf(const std::string& row) {
  absl::StatusOr<std::vector<TariffAct>> acts = ParseTariffCsv(WithRow(row));
  EXPECT_FALSE(acts.ok()) << row;
  EXPECT_EQ(acts.status().code(), absl::StatusCode::kInvalidArgument) << row;
  return std::string(acts.status().message());
}

TEST(ParseTariffCsv, ReadsEveryColumn) {
  absl::StatusOr<std::vector<TariffAct>> acts =
      ParseTariffCsv(WithRow("o.verres , \"Verres, paire\" ,optics,400.5,2,730"));
  ASSERT_TRUE(acts.ok()) << acts.status();
  ASSERT_EQ(acts->size(), 2u);
  const TariffAct& c = (*acts)[0];
  EXPECT_EQ(c.act_code, "C");
  EXPECT_EQ(c.label, "Consultation");
  EXPECT_EQ(c.category, "CONSULTATION");
  EXPECT_EQ(c.tnr_centimes, 8000);
  EXPECT_EQ(c.max_quantity, 1);
  EXPECT_EQ(c.min_days_between, 0);
  const TariffAct& glasses = (*acts)[1];
  EXPECT_EQ(glasses.act_code, "O.VERRES");
  EXPECT_EQ(glasses.label, "Verres, paire");
  EXPECT_EQ(glasses.category, "OPTICS");
  EXPECT_EQ(glasses.tnr_centimes, 40050);
  EXPECT_EQ(glasses.max_quantity, 2);
  EXPECT_EQ(glasses.min_days_between, 730);
}

TEST(ParseTariffCsv, ColumnsByNameInAnyOrderAnyCase) {
  absl::StatusOr<std::vector<TariffAct>> acts = ParseTariffCsv(
      "\xEF\xBB\xBFMin_Days_Between,TNR_AMOUNT,max_quantity,Category,label,ACT_CODE\r\n"
      "30,150.00,1,SPECIALIST,Consultation spécialiste,CS\r\n");
  ASSERT_TRUE(acts.ok()) << acts.status();
  ASSERT_EQ(acts->size(), 1u);
  EXPECT_EQ((*acts)[0].act_code, "CS");
  EXPECT_EQ((*acts)[0].label, "Consultation spécialiste");
  EXPECT_EQ((*acts)[0].tnr_centimes, 15000);
  EXPECT_EQ((*acts)[0].min_days_between, 30);
}

TEST(ParseTariffCsv, BoundsOfEachColumnAccepted) {
  const std::string label200(200, 'x');
  for (const std::string& row :
       {absl::StrCat("ABCDEFGHIJKLMNOP,", label200, ",HOSPITALISATION,0.01,999,3650"),
        std::string("X-1.2,L,A,10000000000.00,1,0"), absl::StrCat("Z,L,", std::string(32, 'A'), ",1,1,0")}) {
    absl::StatusOr<std::vector<TariffAct>> acts = ParseTariffCsv(WithRow(row));
    EXPECT_TRUE(acts.ok()) << row << ": " << acts.status();
  }
}

TEST(ParseTariffCsv, EachBadFieldNamesItsLineAndField) {
  struct Case {
    std::string row;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"X,L,A,1,1", "line 3: row: has 5 fields, the header 6"},
      {"X,L,A,1,1,0,extra", "line 3: row: has 7 fields, the header 6"},
      {",L,A,1,1,0", "line 3: act_code: "},
      {"ABCDEFGHIJKLMNOPQ,L,A,1,1,0", "line 3: act_code: "},
      {"C S,L,A,1,1,0", "line 3: act_code: "},
      {"X,,A,1,1,0", "line 3: label: "},
      {absl::StrCat("X,", std::string(201, 'x'), ",A,1,1,0"), "line 3: label: longer than 200 bytes"},
      {"X,L\x01,A,1,1,0", "line 3: label: "},
      {"X,\xC3(,A,1,1,0", "line 3: label: "},
      {"X,L,,1,1,0", "line 3: category: "},
      {"X,L,CARE-1,1,1,0", "line 3: category: "},
      {absl::StrCat("X,L,", std::string(33, 'A'), ",1,1,0"), "line 3: category: "},
      {"X,L,A,0,1,0", "line 3: tnr_amount: "},
      {"X,L,A,0.00,1,0", "line 3: tnr_amount: "},
      {"X,L,A,-1,1,0", "line 3: tnr_amount: "},
      {"X,L,A,1.001,1,0", "line 3: tnr_amount: "},
      {"X,L,A,10000000000.01,1,0", "line 3: tnr_amount: "},
      {"X,L,A,,1,0", "line 3: tnr_amount: "},
      {"X,L,A,1,0,0", "line 3: max_quantity: "},
      {"X,L,A,1,1000,0", "line 3: max_quantity: "},
      {"X,L,A,1,-1,0", "line 3: max_quantity: "},
      {"X,L,A,1,1.5,0", "line 3: max_quantity: "},
      {"X,L,A,1,,0", "line 3: max_quantity: "},
      {"X,L,A,1,1,-1", "line 3: min_days_between: "},
      {"X,L,A,1,1,3651", "line 3: min_days_between: "},
      {"X,L,A,1,1,", "line 3: min_days_between: "},
      {"X,L,A,1,1,99999999999", "line 3: min_days_between: "},
      {"c,Again,CONSULTATION,80.00,1,0", "line 3: act_code: C is already on line 2"},
      {"X,\"unterminated,A,1,1,0", "line 3: csv: "},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ErrorOf(c.row), ::testing::StartsWith(c.error)) << c.row;
  }
}

TEST(ParseTariffCsv, HeaderMustHoldEachColumnOnce) {
  EXPECT_THAT(std::string(ParseTariffCsv("").status().message()), HasSubstr("line 1: header: missing"));
  EXPECT_THAT(std::string(ParseTariffCsv("\n\n").status().message()), HasSubstr("line 1: header: missing"));
  EXPECT_THAT(std::string(ParseTariffCsv(kHeader).status().message()),
              HasSubstr("line 2: act_code: the file holds no act"));
  EXPECT_THAT(
      std::string(ParseTariffCsv("act_code,label,category,tnr_amount,max_quantity\nC,L,A,1,1\n").status().message()),
      HasSubstr("line 1: header: missing column min_days_between"));
  EXPECT_THAT(std::string(ParseTariffCsv("act_code,label,category,tnr_amount,max_quantity,min_days_between,label\n")
                              .status()
                              .message()),
              HasSubstr("line 1: header: column label appears twice"));
  EXPECT_THAT(std::string(ParseTariffCsv("act_code,label,category,tnr_amount,max_quantity,min_days_between,price\n")
                              .status()
                              .message()),
              HasSubstr("line 1: header: unknown column price"));
  // A row of data where the header should be.
  EXPECT_THAT(std::string(ParseTariffCsv("C,Consultation,CONSULTATION,80.00,1,0\n").status().message()),
              HasSubstr("line 1: header: unknown column c"));
}

TEST(ParseTariffCsv, AtMostAHundredThousandActs) {
  std::string csv = kHeader;
  for (int i = 0; i < 100000; ++i) absl::StrAppend(&csv, "A", i, ",L,A,1,1,0\n");
  absl::StatusOr<std::vector<TariffAct>> acts = ParseTariffCsv(csv);
  ASSERT_TRUE(acts.ok()) << acts.status();
  EXPECT_EQ(acts->size(), 100000u);
  absl::StrAppend(&csv, "ONEMORE,L,A,1,1,0\n");
  EXPECT_THAT(std::string(ParseTariffCsv(csv).status().message()),
              HasSubstr("line 100002: act_code: more than 100000 acts"));
}

}  // namespace
}  // namespace himaya::claims_file
