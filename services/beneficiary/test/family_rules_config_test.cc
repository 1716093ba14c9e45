// The family rules as configuration: the shipped file, every key, every error.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/test/family_rules_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::beneficiary {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------------
// Configuration

TEST(FamilyRulesConfig, ShippedFileHoldsAmoRules) {
  const FamilyRules& rules = FamilyRules::Shipped();
  EXPECT_EQ(rules.max_spouses(), 4);
  EXPECT_EQ(rules.child_age_limit(), 21);
  EXPECT_EQ(rules.student_age_limit(), 26);
  EXPECT_TRUE(rules.disabled_child_without_age_limit());
  EXPECT_EQ(rules.spouse_min_age(), 18);
}

TEST(FamilyRulesConfig, ParsesEveryKey) {
  FamilyRules rules = RulesWith(
      R"({"max_spouses": 1, "child_age_limit": 18, "student_age_limit": 18,
          "disabled_child_without_age_limit": false, "spouse_min_age": 30})");
  EXPECT_EQ(rules.max_spouses(), 1);
  EXPECT_EQ(rules.child_age_limit(), 18);
  EXPECT_EQ(rules.student_age_limit(), 18);  // equal to the child limit: studies add nothing
  EXPECT_FALSE(rules.disabled_child_without_age_limit());
  EXPECT_EQ(rules.spouse_min_age(), 30);
}

TEST(FamilyRulesConfig, AcceptsTheBoundsOfEachRange) {
  for (const char* json : {
           R"({"max_spouses": 10, "child_age_limit": 1, "student_age_limit": 40,
               "disabled_child_without_age_limit": true, "spouse_min_age": 15})",
           R"({"max_spouses": 1, "child_age_limit": 30, "student_age_limit": 30,
               "disabled_child_without_age_limit": true, "spouse_min_age": 30})",
       }) {
    EXPECT_TRUE(FamilyRules::Parse(json).ok()) << json;
  }
}

TEST(FamilyRulesConfig, LoadsAFileOrTheShippedRules) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/family_rules.json";
  std::ofstream(path) << R"({"max_spouses": 2, "child_age_limit": 21, "student_age_limit": 25,
                            "disabled_child_without_age_limit": true, "spouse_min_age": 18})";
  absl::StatusOr<FamilyRules> loaded = FamilyRules::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->max_spouses(), 2);
  EXPECT_EQ(loaded->student_age_limit(), 25);

  absl::StatusOr<FamilyRules> shipped = FamilyRules::Load("");
  ASSERT_TRUE(shipped.ok());
  EXPECT_EQ(shipped->max_spouses(), 4);

  absl::StatusOr<FamilyRules> missing = FamilyRules::Load(dir.path() + "/nope.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("nope.json"));

  std::ofstream(path) << R"({"max_spouses": 0})";
  EXPECT_EQ(FamilyRules::Load(path).status().code(), absl::StatusCode::kInvalidArgument);
}

struct ConfigError {
  const char* json;
  const char* message;  // what the error must say (the key at fault)
};

void PrintTo(const ConfigError& e, std::ostream* os) { *os << e.message; }

class FamilyRulesConfigError : public ::testing::TestWithParam<ConfigError> {};

TEST_P(FamilyRulesConfigError, IsInvalidArgumentNamingTheKey) {
  absl::StatusOr<FamilyRules> rules = FamilyRules::Parse(GetParam().json);
  ASSERT_FALSE(rules.ok()) << GetParam().json;
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()), StartsWith("family_rules: "));
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr(GetParam().message));
}

// Kept alive for the parameters' const char* (gtest copies the structs, not the texts).
const std::vector<std::string>& Texts() {
  static const auto* const texts = new std::vector<std::string>{
      // 0-4: one key missing each
      R"({"child_age_limit": 21, "student_age_limit": 26, "disabled_child_without_age_limit": true, "spouse_min_age": 18})",
      R"({"max_spouses": 4, "student_age_limit": 26, "disabled_child_without_age_limit": true, "spouse_min_age": 18})",
      R"({"max_spouses": 4, "child_age_limit": 21, "disabled_child_without_age_limit": true, "spouse_min_age": 18})",
      R"({"max_spouses": 4, "child_age_limit": 21, "student_age_limit": 26, "spouse_min_age": 18})",
      R"({"max_spouses": 4, "child_age_limit": 21, "student_age_limit": 26, "disabled_child_without_age_limit": true})",
      // 5-7: unknown and repeated keys
      With("spouse_min_age", "18, \"max_wives\": 4"),
      With("spouse_min_age", "18, \"max_spouses\": 9"),
      With("spouse_min_age", "18, \"\\u0001bad\": 1"),
      // 8-13: wrong types
      With("max_spouses", "\"4\""),
      With("max_spouses", "4.0"),
      With("child_age_limit", "true"),
      With("student_age_limit", "null"),
      With("spouse_min_age", "[18]"),
      With("disabled_child_without_age_limit", "1"),
      // 14-16: negative
      With("max_spouses", "-1"),
      With("child_age_limit", "-21"),
      With("spouse_min_age", "-18"),
      // 17-25: absurd
      With("max_spouses", "0"),
      With("max_spouses", "11"),
      With("max_spouses", "18446744073709551615"),
      With("child_age_limit", "0"),
      With("child_age_limit", "31"),
      With("student_age_limit", "41"),
      With("student_age_limit", "20"),
      With("spouse_min_age", "14"),
      With("spouse_min_age", "31"),
      // 26: a string value for the boolean
      With("disabled_child_without_age_limit", "\"yes\""),
  };
  return *texts;
}

INSTANTIATE_TEST_SUITE_P(
    Every, FamilyRulesConfigError,
    ::testing::Values(ConfigError{"", "not a JSON object"}, ConfigError{"[]", "not a JSON object"},
                      ConfigError{"{", "not a JSON object"}, ConfigError{"4", "not a JSON object"},
                      ConfigError{R"({"max_spouses": 4,})", "not a JSON object"},
                      ConfigError{Texts()[0].c_str(), "max_spouses is missing"},
                      ConfigError{Texts()[1].c_str(), "child_age_limit is missing"},
                      ConfigError{Texts()[2].c_str(), "student_age_limit is missing"},
                      ConfigError{Texts()[3].c_str(), "disabled_child_without_age_limit is missing"},
                      ConfigError{Texts()[4].c_str(), "spouse_min_age is missing"},
                      ConfigError{Texts()[5].c_str(), "unknown key max_wives"},
                      ConfigError{Texts()[6].c_str(), "max_spouses appears more than once"},
                      ConfigError{Texts()[7].c_str(), "unknown key ?bad"},
                      ConfigError{Texts()[8].c_str(), "max_spouses must be an integer from 1 to 10"},
                      ConfigError{Texts()[9].c_str(), "max_spouses must be an integer"},
                      ConfigError{Texts()[10].c_str(), "child_age_limit must be an integer"},
                      ConfigError{Texts()[11].c_str(), "student_age_limit must be an integer"},
                      ConfigError{Texts()[12].c_str(), "spouse_min_age must be an integer"},
                      ConfigError{Texts()[13].c_str(), "disabled_child_without_age_limit must be true or false"},
                      ConfigError{Texts()[14].c_str(), "max_spouses must be an integer from 1 to 10 (is -1)"},
                      ConfigError{Texts()[15].c_str(), "child_age_limit must be an integer from 1 to 30 (is -21)"},
                      ConfigError{Texts()[16].c_str(), "spouse_min_age must be an integer from 15 to 30 (is -18)"},
                      ConfigError{Texts()[17].c_str(), "max_spouses must be an integer from 1 to 10 (is 0)"},
                      ConfigError{Texts()[18].c_str(), "max_spouses must be an integer from 1 to 10 (is 11)"},
                      ConfigError{Texts()[19].c_str(),
                                  "max_spouses must be an integer from 1 to 10 (is 9223372036854775807)"},
                      ConfigError{Texts()[20].c_str(), "child_age_limit must be an integer from 1 to 30 (is 0)"},
                      ConfigError{Texts()[21].c_str(), "child_age_limit must be an integer from 1 to 30 (is 31)"},
                      ConfigError{Texts()[22].c_str(), "student_age_limit must be an integer from 1 to 40 (is 41)"},
                      ConfigError{Texts()[23].c_str(), "student_age_limit (20) must not be below child_age_limit (21)"},
                      ConfigError{Texts()[24].c_str(), "spouse_min_age must be an integer from 15 to 30 (is 14)"},
                      ConfigError{Texts()[25].c_str(), "spouse_min_age must be an integer from 15 to 30 (is 31)"},
                      ConfigError{Texts()[26].c_str(), "disabled_child_without_age_limit must be true or false"}),
    [](const ::testing::TestParamInfo<ConfigError>& info) { return absl::StrCat("Case", info.index); });

TEST(FamilyRulesConfig, TheExampleOfTheTestsIsValid) {
  // The error table edits kExample one key at a time: each error is that key's.
  EXPECT_TRUE(FamilyRules::Parse(kExample).ok());
  EXPECT_TRUE(FamilyRules::Parse(With("max_spouses", "4")).ok());
}

}  // namespace
}  // namespace himaya::beneficiary
