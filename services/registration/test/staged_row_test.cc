// Staged rows kept as JSON (reviews, held dependents) and read back: absent columns stay absent,
// a damaged text is an error, and the person of a row is the same from either form.
#include "registration/src/staged_row.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace himaya::registration {
namespace {

StagedRow Row() {
  StagedRow row;
  row.row_number = 4;
  row.record_id = "R4";
  row.cin = "AB1234";
  row.last_name = "Alaoui";
  row.first_name = "";  // present, empty
  row.birth_date = "1980-01-01";
  row.sex = "F";
  row.phone = "+212612345678";
  row.preferred_language = "ar";
  row.city = "Fes";
  row.category = "AGRI";
  row.household_id = "H1";
  row.relationship = "HEAD";
  row.name_key = "ALAOUI|";
  return row;
}

TEST(StagedRow, JsonHoldsThePresentColumnsByName) {
  EXPECT_EQ(StagedRowJson(Row()).dump(),
            "{\"birth_date\":\"1980-01-01\",\"category\":\"AGRI\",\"cin\":\"AB1234\",\"city\":\"Fes\","
            "\"first_name\":\"\",\"household_id\":\"H1\",\"last_name\":\"Alaoui\",\"name_key\":\"ALAOUI|\","
            "\"phone\":\"+212612345678\",\"preferred_language\":\"ar\",\"record_id\":\"R4\","
            "\"relationship\":\"HEAD\",\"sex\":\"F\"}");
  EXPECT_EQ(StagedRowJson(StagedRow{}).dump(), "null") << "a row of absent columns only";
}

TEST(StagedRow, ThePersonIsTheSameFromTheRowOrItsJson) {
  const absl::Time now = absl::FromUnixSeconds(1647334800);
  const Person direct = PersonFromStagedRow(Row(), "amo-tns", now);
  auto json = ParseStagedRow(StagedRowJson(Row()).dump());
  ASSERT_TRUE(json.ok()) << json.status();
  const Person kept = PersonFromStagedRow(*json, "amo-tns", now);
  for (const Person* p : {&direct, &kept}) {
    EXPECT_EQ(p->cin, "AB1234");
    EXPECT_EQ(p->last_name, "Alaoui");
    EXPECT_EQ(p->first_name, "");
    EXPECT_EQ(p->last_name_ar, "") << "absent reads as empty";
    EXPECT_EQ(p->phone, "+212612345678");
    EXPECT_EQ(p->preferred_language, "ar");
    EXPECT_EQ(p->city, "Fes");
    EXPECT_EQ(p->category, "AGRI");
    EXPECT_EQ(p->program, "amo-tns");
    EXPECT_EQ(p->registered_at, now);
    EXPECT_EQ(p->registration_number, "") << "given when registered";
  }
}

TEST(StagedRow, DamagedKeptRowsAreDataLossAndWrongTypesReadAsEmpty) {
  EXPECT_EQ(ParseStagedRow("{\"cin\": 7, \"last_name\": [").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseStagedRow("[1, 2]").status().code(), absl::StatusCode::kDataLoss);
  auto row = ParseStagedRow("{\"cin\": 7, \"last_name\": [\"x\"], \"sex\": \"M\"}");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(StagedText(*row, "cin"), "");
  EXPECT_EQ(StagedText(*row, "last_name"), "");
  EXPECT_EQ(StagedText(*row, "sex"), "M");
  EXPECT_EQ(StagedText(*row, "city"), "");
}

TEST(StagedRow, EmptyTextIsAbsent) {
  EXPECT_EQ(NonEmpty(""), std::nullopt);
  EXPECT_EQ(NonEmpty("x"), std::optional<std::string>("x"));
  EXPECT_EQ(TextOf(std::nullopt), "");
  EXPECT_EQ(TextOf(std::optional<std::string>("y")), "y");
}

}  // namespace
}  // namespace himaya::registration
