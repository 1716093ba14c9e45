#include "beneficiary/src/family_rules.h"

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::beneficiary {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kExample[] =
    R"({"max_spouses": 4, "child_age_limit": 21, "student_age_limit": 26,
        "disabled_child_without_age_limit": true, "spouse_min_age": 18})";

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

const FamilyRules& Rules() { return FamilyRules::Shipped(); }

FamilyRules RulesWith(absl::string_view json) {
  absl::StatusOr<FamilyRules> rules = FamilyRules::Parse(json);
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : FamilyRules::Shipped();
}

CoveragePeriod Open(absl::CivilDay start) { return CoveragePeriod{start, std::nullopt, ReasonCode::kRemoved}; }
CoveragePeriod Ended(absl::CivilDay start, absl::CivilDay end, ReasonCode why = ReasonCode::kRemoved) {
  return CoveragePeriod{start, end, why};
}

// A child born 2005-03-01 (21 on 2026-03-01, 26 on 2031-03-01), covered since birth.
BeneficiaryFacts Child() {
  BeneficiaryFacts child;
  child.relationship = Relationship::kChild;
  child.birth_date = Day(2005, 3, 1);
  child.periods = {Open(Day(2005, 3, 1))};
  return child;
}

BeneficiaryFacts Spouse(std::vector<CoveragePeriod> periods) {
  BeneficiaryFacts spouse;
  spouse.relationship = Relationship::kSpouse;
  spouse.birth_date = Day(1980, 1, 1);
  spouse.periods = std::move(periods);
  return spouse;
}

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

// `json` is kExample with `key`'s value replaced by `value`.
std::string With(const std::string& key, const std::string& value) {
  std::string json = kExample;
  const size_t at = json.find("\"" + key + "\": ") + key.size() + 4;
  const size_t end = json.find_first_of(",}", at);
  return json.replace(at, end - at, value);
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

// ---------------------------------------------------------------------------------------------
// Ages

struct AgeCase {
  absl::CivilDay birth;
  absl::CivilDay date;
  int age;
};

void PrintTo(const AgeCase& c, std::ostream* os) { *os << "born " << c.birth << ", on " << c.date << ": " << c.age; }

// YYYYMMDD, for a test's name.
std::string DigitsOf(absl::CivilDay day) { return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day()); }

class AgeOnDate : public ::testing::TestWithParam<AgeCase> {};

TEST_P(AgeOnDate, CountsBirthdaysPassed) { EXPECT_EQ(AgeOn(GetParam().birth, GetParam().date), GetParam().age); }

INSTANTIATE_TEST_SUITE_P(
    Birthdays, AgeOnDate,
    ::testing::Values(AgeCase{Day(2005, 3, 1), Day(2026, 2, 28), 20}, AgeCase{Day(2005, 3, 1), Day(2026, 3, 1), 21},
                      AgeCase{Day(2005, 3, 1), Day(2005, 3, 1), 0}, AgeCase{Day(2005, 3, 1), Day(2005, 2, 28), -1},
                      AgeCase{Day(2000, 12, 31), Day(2001, 12, 30), 0},
                      AgeCase{Day(2000, 12, 31), Day(2001, 12, 31), 1},
                      // 29 February: the birthday is 1 March in years that are not leap years.
                      AgeCase{Day(2008, 2, 29), Day(2029, 2, 28), 20}, AgeCase{Day(2008, 2, 29), Day(2029, 3, 1), 21},
                      AgeCase{Day(2008, 2, 29), Day(2032, 2, 28), 23}, AgeCase{Day(2008, 2, 29), Day(2032, 2, 29), 24},
                      AgeCase{Day(2008, 2, 29), Day(2009, 2, 28), 0}, AgeCase{Day(2008, 2, 29), Day(2009, 3, 1), 1}),
    [](const ::testing::TestParamInfo<AgeCase>& info) {
      return absl::StrCat("Born", DigitsOf(info.param.birth), "On", DigitsOf(info.param.date));
    });

TEST(Birthday, TwentyNinthOfFebruaryFallsOnTheFirstOfMarchInOtherYears) {
  EXPECT_EQ(Birthday(Day(2008, 2, 29), 21), Day(2029, 3, 1));
  EXPECT_EQ(Birthday(Day(2008, 2, 29), 24), Day(2032, 2, 29));
  EXPECT_EQ(Birthday(Day(2005, 3, 1), 26), Day(2031, 3, 1));
}

// ---------------------------------------------------------------------------------------------
// Coverage by age and studies

struct AgeCoverageCase {
  const char* name;
  BeneficiaryFacts facts;
  absl::CivilDay date;
  bool covered;
  ReasonCode reason;
  std::optional<absl::CivilDay> until;
  ReasonCode ends_by;
};

void PrintTo(const AgeCoverageCase& c, std::ostream* os) { *os << c.name; }

class CoverageByAge : public ::testing::TestWithParam<AgeCoverageCase> {};

TEST_P(CoverageByAge, AnswersOnTheDate) {
  const AgeCoverageCase& c = GetParam();
  CoverageAnswer answer = CoverageOn(Rules(), c.facts, c.date);
  EXPECT_EQ(answer.covered, c.covered);
  EXPECT_EQ(ReasonName(answer.reason), ReasonName(c.reason));
  EXPECT_EQ(answer.covered_until, c.until);
  EXPECT_EQ(ReasonName(answer.ends_by), ReasonName(c.ends_by));
}

BeneficiaryFacts StudyingUntil(absl::CivilDay day) {
  BeneficiaryFacts child = Child();
  child.studying_until = day;
  return child;
}

BeneficiaryFacts Disabled() {
  BeneficiaryFacts child = Child();
  child.disabled = true;
  return child;
}

BeneficiaryFacts BornOn29February() {
  BeneficiaryFacts child = Child();
  child.birth_date = Day(2008, 2, 29);
  child.periods = {Open(Day(2008, 2, 29))};
  return child;
}

BeneficiaryFacts Insured() {
  BeneficiaryFacts insured = Spouse({Open(Day(2022, 7, 1))});
  insured.relationship = Relationship::kInsured;
  insured.birth_date = Day(1940, 5, 5);
  return insured;
}

constexpr ReasonCode kNone = ReasonCode::kNone;
constexpr ReasonCode kAge = ReasonCode::kAgeLimit;
constexpr ReasonCode kStudies = ReasonCode::kStudiesEnded;

INSTANTIATE_TEST_SUITE_P(
    Boundaries, CoverageByAge,
    ::testing::Values(
        AgeCoverageCase{"DayBefore21", Child(), Day(2026, 2, 28), true, kNone, Day(2026, 2, 28), kAge},
        AgeCoverageCase{"Day21", Child(), Day(2026, 3, 1), false, kAge, std::nullopt, kNone},
        AgeCoverageCase{"Age10", Child(), Day(2015, 6, 1), true, kNone, Day(2026, 2, 28), kAge},
        AgeCoverageCase{"StudyingAt21", StudyingUntil(Day(2028, 6, 30)), Day(2026, 3, 1), true, kNone, Day(2028, 6, 30),
                        kStudies},
        AgeCoverageCase{"StudyingOnTheLastDayOfStudies", StudyingUntil(Day(2028, 6, 30)), Day(2028, 6, 30), true, kNone,
                        Day(2028, 6, 30), kStudies},
        AgeCoverageCase{"StudiesEndedTheDayBefore", StudyingUntil(Day(2028, 6, 30)), Day(2028, 7, 1), false, kStudies,
                        std::nullopt, kNone},
        AgeCoverageCase{"StudyingBefore21EndsAtTheStudyEnd", StudyingUntil(Day(2028, 6, 30)), Day(2020, 1, 1), true,
                        kNone, Day(2028, 6, 30), kStudies},
        AgeCoverageCase{"StudyingPast26DayBefore26", StudyingUntil(Day(2035, 6, 30)), Day(2031, 2, 28), true, kNone,
                        Day(2031, 2, 28), kAge},
        AgeCoverageCase{"StudyingPast26Day26", StudyingUntil(Day(2035, 6, 30)), Day(2031, 3, 1), false,
                        kAge, std::nullopt, kNone},
        AgeCoverageCase{"StudyingUntilTheDayBefore26", StudyingUntil(Day(2031, 2, 28)), Day(2031, 2, 28), true, kNone,
                        Day(2031, 2, 28), kAge},
        AgeCoverageCase{"StudiesEndedBefore21", StudyingUntil(Day(2025, 6, 30)), Day(2026, 2, 28), true, kNone,
                        Day(2026, 2, 28), kAge},
        AgeCoverageCase{"StudiesEndedBefore21AskedAt22", StudyingUntil(Day(2025, 6, 30)), Day(2027, 5, 1), false,
                        kStudies, std::nullopt, kNone},
        AgeCoverageCase{"DisabledOver26", Disabled(), Day(2045, 1, 1), true, kNone, std::nullopt, kNone},
        AgeCoverageCase{"DisabledOnThe21stBirthday", Disabled(), Day(2026, 3, 1), true, kNone, std::nullopt, kNone},
        AgeCoverageCase{"TwentyNinthFebruaryDayBefore21", BornOn29February(), Day(2029, 2, 28), true, kNone,
                        Day(2029, 2, 28), kAge},
        AgeCoverageCase{"TwentyNinthFebruaryOn1March", BornOn29February(), Day(2029, 3, 1), false, kAge, std::nullopt,
                        kNone},
        AgeCoverageCase{"SpouseHasNoAgeLimit", Spouse({Open(Day(2022, 7, 1))}), Day(2070, 1, 1), true, kNone,
                        std::nullopt, kNone},
        AgeCoverageCase{"InsuredHasNoAgeLimit", Insured(), Day(2040, 1, 1), true, kNone, std::nullopt, kNone}),
    [](const ::testing::TestParamInfo<AgeCoverageCase>& info) { return info.param.name; });

TEST(CoverageByAge, DisabledChildFollowsTheAgeLimitWhenTheRulesSaySo) {
  FamilyRules rules = RulesWith(With("disabled_child_without_age_limit", "false"));
  CoverageAnswer answer = CoverageOn(rules, Disabled(), Day(2026, 3, 1));
  EXPECT_FALSE(answer.covered);
  EXPECT_EQ(answer.reason, ReasonCode::kAgeLimit);
  EXPECT_TRUE(CoverageOn(rules, Disabled(), Day(2026, 2, 28)).covered);
}

TEST(CoverageByAge, ConfiguredLimitsAreTheOnesApplied) {
  FamilyRules rules = RulesWith(With("child_age_limit", "18"));
  EXPECT_TRUE(CoverageOn(rules, Child(), Day(2023, 2, 28)).covered);
  EXPECT_EQ(CoverageOn(rules, Child(), Day(2023, 3, 1)).reason, ReasonCode::kAgeLimit);
  FamilyRules students = RulesWith(With("student_age_limit", "25"));
  EXPECT_TRUE(CoverageOn(students, StudyingUntil(Day(2035, 1, 1)), Day(2030, 2, 28)).covered);
  EXPECT_EQ(CoverageOn(students, StudyingUntil(Day(2035, 1, 1)), Day(2030, 3, 1)).reason, ReasonCode::kAgeLimit);
}

// ---------------------------------------------------------------------------------------------
// Coverage periods

TEST(CoveragePeriods, BeforeTheFirstPeriodIsNotYetCovered) {
  BeneficiaryFacts spouse = Spouse({Open(Day(2026, 1, 15))});
  CoverageAnswer answer = CoverageOn(Rules(), spouse, Day(2026, 1, 14));
  EXPECT_FALSE(answer.covered);
  EXPECT_EQ(answer.reason, ReasonCode::kNotYetCovered);
  EXPECT_FALSE(answer.covered_until.has_value());
  EXPECT_TRUE(CoverageOn(Rules(), spouse, Day(2026, 1, 15)).covered);
  EXPECT_EQ(CoverageOn(Rules(), Spouse({}), Day(2026, 1, 15)).reason, ReasonCode::kNotYetCovered);
}

TEST(CoveragePeriods, RemovedMemberIsCoveredOnTheEndDateAndNotTheDayAfter) {
  BeneficiaryFacts spouse = Spouse({Ended(Day(2026, 1, 15), Day(2026, 6, 30))});
  CoverageAnswer on_end = CoverageOn(Rules(), spouse, Day(2026, 6, 30));
  EXPECT_TRUE(on_end.covered);
  EXPECT_EQ(on_end.covered_until, Day(2026, 6, 30));
  EXPECT_EQ(on_end.ends_by, ReasonCode::kRemoved);
  CoverageAnswer after = CoverageOn(Rules(), spouse, Day(2026, 7, 1));
  EXPECT_FALSE(after.covered);
  EXPECT_EQ(after.reason, ReasonCode::kRemoved);
  // The past stays answerable.
  EXPECT_TRUE(CoverageOn(Rules(), spouse, Day(2026, 3, 1)).covered);
}

TEST(CoveragePeriods, ReDeclarationAfterRemovalOpensASecondPeriod) {
  // Given in reverse order on purpose: the periods' order does not matter.
  BeneficiaryFacts spouse = Spouse({Open(Day(2026, 9, 1)), Ended(Day(2026, 1, 15), Day(2026, 6, 30))});
  EXPECT_EQ(CoverageOn(Rules(), spouse, Day(2026, 1, 14)).reason, ReasonCode::kNotYetCovered);
  EXPECT_EQ(CoverageOn(Rules(), spouse, Day(2026, 6, 1)).covered_until, Day(2026, 6, 30));
  EXPECT_EQ(CoverageOn(Rules(), spouse, Day(2026, 8, 31)).reason, ReasonCode::kRemoved);
  CoverageAnswer second = CoverageOn(Rules(), spouse, Day(2026, 9, 1));
  EXPECT_TRUE(second.covered);
  EXPECT_FALSE(second.covered_until.has_value());
}

TEST(CoveragePeriods, OutsideAPeriodTheLastEndedPeriodGivesTheReason) {
  BeneficiaryFacts spouse = Spouse({Ended(Day(2024, 1, 1), Day(2024, 12, 31), ReasonCode::kNotRegistered),
                                    Ended(Day(2025, 2, 1), Day(2025, 5, 31), ReasonCode::kRemoved)});
  EXPECT_EQ(CoverageOn(Rules(), spouse, Day(2025, 1, 15)).reason, ReasonCode::kNotRegistered);
  EXPECT_EQ(CoverageOn(Rules(), spouse, Day(2025, 6, 1)).reason, ReasonCode::kRemoved);
}

TEST(CoveragePeriods, ContiguousPeriodsAreOneCoverage) {
  BeneficiaryFacts spouse =
      Spouse({Ended(Day(2026, 1, 1), Day(2026, 6, 30)), Ended(Day(2026, 7, 1), Day(2026, 12, 31))});
  CoverageAnswer answer = CoverageOn(Rules(), spouse, Day(2026, 3, 1));
  EXPECT_EQ(answer.covered_until, Day(2026, 12, 31));
  spouse.periods.push_back(Open(Day(2027, 1, 1)));
  EXPECT_FALSE(CoverageOn(Rules(), spouse, Day(2026, 3, 1)).covered_until.has_value());
}

TEST(CoveragePeriods, MalformedPeriodsStillGiveAnAnswer) {
  // A period ending before it starts cannot lead the joining of contiguous periods round a loop.
  BeneficiaryFacts spouse =
      Spouse({Ended(Day(2026, 1, 1), Day(2026, 1, 5)), Ended(Day(2026, 1, 6), Day(2025, 12, 31))});
  CoverageAnswer answer = CoverageOn(Rules(), spouse, Day(2026, 1, 2));
  EXPECT_TRUE(answer.covered);
  EXPECT_EQ(answer.covered_until, Day(2026, 1, 5));
}

TEST(CoveragePeriods, TheEarlierOfRemovalAndAgeLimitEndsCoverage) {
  BeneficiaryFacts child = Child();
  child.periods = {Ended(Day(2005, 3, 1), Day(2025, 12, 31))};
  CoverageAnswer removed_first = CoverageOn(Rules(), child, Day(2025, 6, 1));
  EXPECT_EQ(removed_first.covered_until, Day(2025, 12, 31));
  EXPECT_EQ(removed_first.ends_by, ReasonCode::kRemoved);

  child.periods = {Ended(Day(2005, 3, 1), Day(2026, 12, 31))};
  CoverageAnswer age_first = CoverageOn(Rules(), child, Day(2025, 6, 1));
  EXPECT_EQ(age_first.covered_until, Day(2026, 2, 28));
  EXPECT_EQ(age_first.ends_by, ReasonCode::kAgeLimit);
  // Past the age limit inside the period: AGE_LIMIT; past the removal: REMOVED.
  EXPECT_EQ(CoverageOn(Rules(), child, Day(2026, 6, 1)).reason, ReasonCode::kAgeLimit);
  EXPECT_EQ(CoverageOn(Rules(), child, Day(2027, 1, 1)).reason, ReasonCode::kRemoved);
}

TEST(ThroughInsured, DependentIsCoveredOnlyWhileTheInsuredIs) {
  CoverageAnswer insured_open{true, ReasonCode::kNone, std::nullopt, ReasonCode::kNone};
  CoverageAnswer insured_until{true, ReasonCode::kNone, Day(2026, 5, 31), ReasonCode::kRemoved};
  CoverageAnswer insured_out{false, ReasonCode::kRemoved, std::nullopt, ReasonCode::kNone};
  CoverageAnswer child = CoverageOn(Rules(), Child(), Day(2026, 1, 1));  // until 2026-02-28, AGE_LIMIT
  CoverageAnswer aged_out = CoverageOn(Rules(), Child(), Day(2026, 3, 1));

  CoverageAnswer both = ThroughInsured(child, insured_open);
  EXPECT_TRUE(both.covered);
  EXPECT_EQ(both.covered_until, Day(2026, 2, 28));
  EXPECT_EQ(both.ends_by, ReasonCode::kAgeLimit);

  CoverageAnswer head_ends_first =
      ThroughInsured(CoverageOn(Rules(), Spouse({Open(Day(2025, 1, 1))}), Day(2026, 1, 1)), insured_until);
  EXPECT_TRUE(head_ends_first.covered);
  EXPECT_EQ(head_ends_first.covered_until, Day(2026, 5, 31));
  EXPECT_EQ(head_ends_first.ends_by, ReasonCode::kInsuredNotCovered);

  CoverageAnswer head_out = ThroughInsured(child, insured_out);
  EXPECT_FALSE(head_out.covered);
  EXPECT_EQ(head_out.reason, ReasonCode::kInsuredNotCovered);

  EXPECT_EQ(ThroughInsured(aged_out, insured_out).reason, ReasonCode::kAgeLimit);
}

// ---------------------------------------------------------------------------------------------
// Declarations

NewMember NewChild(absl::CivilDay birth) {
  NewMember m;
  m.relationship = Relationship::kChild;
  m.birth_date = birth;
  return m;
}

NewMember NewSpouse(absl::CivilDay birth) {
  NewMember m;
  m.relationship = Relationship::kSpouse;
  m.birth_date = birth;
  return m;
}

// The refusal `status` carries, checked for its form: "<NAME>: ..." with the code as payload.
RefusalCode RefusalIn(const absl::Status& status) {
  if (status.ok()) return RefusalCode::kNone;
  EXPECT_THAT(std::string(status.message()), StartsWith(absl::StrCat(RefusalName(RefusalOf(status)), ": ")));
  return RefusalOf(status);
}

TEST(Declaration, AcceptsAChildAndASpouse) {
  EXPECT_TRUE(CheckDeclaration(Rules(), NewChild(Day(2020, 4, 4)), {}, Day(2026, 1, 1)).ok());
  EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1990, 4, 4)), {}, Day(2026, 1, 1)).ok());
  // A newborn, declared from the day of birth.
  EXPECT_TRUE(CheckDeclaration(Rules(), NewChild(Day(2026, 1, 1)), {}, Day(2026, 1, 1)).ok());
}

TEST(Declaration, OnlySpousesAndChildrenAreDeclared) {
  NewMember insured = NewSpouse(Day(1990, 4, 4));
  insured.relationship = Relationship::kInsured;
  absl::Status status = CheckDeclaration(Rules(), insured, {}, Day(2026, 1, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(status), RefusalCode::kInvalidRelationship);
  insured.relationship = static_cast<Relationship>(7);
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), insured, {}, Day(2026, 1, 1))), RefusalCode::kInvalidRelationship);
}

TEST(Declaration, BirthDateMustBeBeforeCoverageAndAfter1900) {
  absl::Status future = CheckDeclaration(Rules(), NewChild(Day(2026, 1, 2)), {}, Day(2026, 1, 1));
  EXPECT_EQ(future.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(future), RefusalCode::kBirthDateInFuture);
  EXPECT_THAT(std::string(future.message()), Not(HasSubstr("2026-01-02")));  // no birth date in errors
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), NewSpouse(Day(1899, 12, 31)), {}, Day(2026, 1, 1))),
            RefusalCode::kBirthDateTooOld);
  EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1900, 1, 1)), {}, Day(2026, 1, 1)).ok());
}

TEST(Declaration, SpouseMustHaveTheMinimumAge) {
  NewMember spouse = NewSpouse(Day(2008, 3, 1));  // 18 on 2026-03-01
  absl::Status underage = CheckDeclaration(Rules(), spouse, {}, Day(2026, 2, 28));
  EXPECT_EQ(underage.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(underage), RefusalCode::kSpouseUnderage);
  EXPECT_THAT(std::string(underage.message()), HasSubstr("18"));
  EXPECT_TRUE(CheckDeclaration(Rules(), spouse, {}, Day(2026, 3, 1)).ok());
}

TEST(Declaration, SpousesUpToTheMaximumAndNotOneMore) {
  const absl::CivilDay on = Day(2026, 4, 1);
  FamilySnapshot family;
  family.members.push_back(Child());  // children do not count
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on).ok()) << i << " spouses";
    family.members.push_back(Spouse({Open(Day(2025, 1, 1))}));
  }
  absl::Status fifth = CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on);
  EXPECT_EQ(fifth.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(fifth), RefusalCode::kSpouseLimit);
  EXPECT_THAT(std::string(fifth.message()), HasSubstr("at most 4 spouses"));

  // One of the four removed before the date: a place is free. Removed on the date: it is not.
  family.members.back() = Spouse({Ended(Day(2025, 1, 1), Day(2026, 3, 31))});
  EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on).ok());
  family.members.back() = Spouse({Ended(Day(2025, 1, 1), on)});
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on)), RefusalCode::kSpouseLimit);
  // A spouse whose coverage starts later counts too.
  family.members.back() = Spouse({Open(Day(2026, 9, 1))});
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on)), RefusalCode::kSpouseLimit);

  FamilyRules one = RulesWith(With("max_spouses", "1"));
  FamilySnapshot married{{Spouse({Open(Day(2025, 1, 1))})}};
  EXPECT_EQ(RefusalIn(CheckDeclaration(one, NewSpouse(Day(1985, 1, 1)), married, on)), RefusalCode::kSpouseLimit);
  EXPECT_TRUE(CheckDeclaration(one, NewSpouse(Day(1985, 1, 1)), {}, on).ok());
}

TEST(Declaration, EndOfStudiesIsForChildren) {
  NewMember spouse = NewSpouse(Day(2000, 1, 1));
  spouse.studying_until = Day(2027, 6, 30);
  absl::Status status = CheckDeclaration(Rules(), spouse, {}, Day(2026, 1, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(status), RefusalCode::kStudiesForChildOnly);
}

struct ChildDeclarationCase {
  const char* name;
  std::optional<absl::CivilDay> studying_until;
  bool disabled;
  absl::CivilDay on;
  RefusalCode refusal;
};

void PrintTo(const ChildDeclarationCase& c, std::ostream* os) { *os << c.name; }

class ChildDeclaration : public ::testing::TestWithParam<ChildDeclarationCase> {};

// The child of these cases is born 2005-03-01: 21 on 2026-03-01, 26 on 2031-03-01.
TEST_P(ChildDeclaration, AppliesTheLimitOnTheDate) {
  const ChildDeclarationCase& c = GetParam();
  NewMember child = NewChild(Day(2005, 3, 1));
  child.studying_until = c.studying_until;
  child.disabled = c.disabled;
  absl::Status status = CheckDeclaration(Rules(), child, {}, c.on);
  EXPECT_EQ(RefusalName(RefusalIn(status)), RefusalName(c.refusal)) << status;
  if (!status.ok()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("2005")));
}

constexpr RefusalCode kAccepted = RefusalCode::kNone;

INSTANTIATE_TEST_SUITE_P(
    Boundaries, ChildDeclaration,
    ::testing::Values(
        ChildDeclarationCase{"DayBefore21", std::nullopt, false, Day(2026, 2, 28), kAccepted},
        ChildDeclarationCase{"Day21", std::nullopt, false, Day(2026, 3, 1), RefusalCode::kChildAgeLimit},
        ChildDeclarationCase{"Day21Studying", Day(2027, 6, 30), false, Day(2026, 3, 1), kAccepted},
        ChildDeclarationCase{"StudiesEndOnTheDate", Day(2027, 6, 30), false, Day(2027, 6, 30), kAccepted},
        ChildDeclarationCase{"StudiesEndedTheDayBefore", Day(2027, 6, 30), false, Day(2027, 7, 1),
                             RefusalCode::kStudiesEnded},
        ChildDeclarationCase{"StudiesEndedAt10", Day(2014, 6, 30), false, Day(2015, 1, 1), RefusalCode::kStudiesEnded},
        ChildDeclarationCase{"DayBefore26Studying", Day(2032, 6, 30), false, Day(2031, 2, 28), kAccepted},
        ChildDeclarationCase{"Day26Studying", Day(2032, 6, 30), false, Day(2031, 3, 1), RefusalCode::kChildAgeLimit},
        ChildDeclarationCase{"DisabledOver26", std::nullopt, true, Day(2040, 1, 1), kAccepted}),
    [](const ::testing::TestParamInfo<ChildDeclarationCase>& info) { return info.param.name; });

TEST(Declaration, TwentyNinthFebruaryChildIs21OnTheFirstOfMarch) {
  NewMember child = NewChild(Day(2008, 2, 29));
  EXPECT_TRUE(CheckDeclaration(Rules(), child, {}, Day(2029, 2, 28)).ok());
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), child, {}, Day(2029, 3, 1))), RefusalCode::kChildAgeLimit);
}

TEST(Redeclaration, OnlyAfterTheLastPeriodEnded) {
  BeneficiaryFacts removed = Spouse({Ended(Day(2025, 1, 1), Day(2026, 6, 30))});
  absl::Status too_early = CheckRedeclaration(removed, Day(2026, 6, 30));
  EXPECT_EQ(too_early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(too_early), RefusalCode::kAlreadyDeclared);
  EXPECT_TRUE(CheckRedeclaration(removed, Day(2026, 7, 1)).ok());
  EXPECT_EQ(RefusalIn(CheckRedeclaration(Spouse({Open(Day(2025, 1, 1))}), Day(2030, 1, 1))),
            RefusalCode::kAlreadyDeclared);
  EXPECT_TRUE(CheckRedeclaration(Spouse({}), Day(2026, 1, 1)).ok());
}

// ---------------------------------------------------------------------------------------------
// Removals

TEST(Removal, EndsTheOpenPeriodOnOrAfterItsStart) {
  BeneficiaryFacts spouse = Spouse({Ended(Day(2020, 1, 1), Day(2020, 12, 31)), Open(Day(2025, 1, 1))});
  absl::StatusOr<RemovalReason> one_day = CheckRemoval(spouse, Day(2025, 1, 1), "DIVORCE", "");
  ASSERT_TRUE(one_day.ok()) << one_day.status();
  EXPECT_EQ(*one_day, RemovalReason::kDivorce);
  EXPECT_TRUE(CheckRemoval(spouse, Day(2030, 12, 31), "DEATH", "acte de décès n° 12").ok());
  absl::Status before = CheckRemoval(spouse, Day(2024, 12, 31), "DIVORCE", "").status();
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(before), RefusalCode::kEndBeforeStart);
  EXPECT_THAT(std::string(before.message()), HasSubstr("2025-01-01"));
}

TEST(Removal, NeedsAnOpenPeriodAndADependent) {
  absl::Status ended =
      CheckRemoval(Spouse({Ended(Day(2020, 1, 1), Day(2020, 12, 31))}), Day(2021, 1, 1), "OTHER", "").status();
  EXPECT_EQ(ended.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(ended), RefusalCode::kNotCovered);
  EXPECT_EQ(RefusalIn(CheckRemoval(Spouse({}), Day(2021, 1, 1), "OTHER", "").status()), RefusalCode::kNotCovered);
  EXPECT_EQ(RefusalIn(CheckRemoval(Insured(), Day(2030, 1, 1), "OTHER", "").status()),
            RefusalCode::kInvalidRelationship);
}

TEST(Removal, ReasonIsOneOfTheCodes) {
  for (RemovalReason reason : {RemovalReason::kDivorce, RemovalReason::kDeath, RemovalReason::kDeclaredInError,
                               RemovalReason::kOwnCoverage, RemovalReason::kOther}) {
    absl::StatusOr<RemovalReason> parsed = ParseRemovalReason(RemovalReasonName(reason));
    ASSERT_TRUE(parsed.ok()) << RemovalReasonName(reason);
    EXPECT_EQ(*parsed, reason);
  }
  EXPECT_EQ(RemovalReasonName(RemovalReason::kDeclaredInError), "DECLARED_IN_ERROR");
  EXPECT_EQ(RemovalReasonName(RemovalReason::kOwnCoverage), "OWN_COVERAGE");
  absl::Status missing = ParseRemovalReason("").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(missing), RefusalCode::kReasonRequired);
  for (const char* unknown : {"divorce", " DIVORCE", "DIVORCED", "REMOVED", "\xFF"}) {
    absl::Status status = ParseRemovalReason(unknown).status();
    EXPECT_EQ(RefusalIn(status), RefusalCode::kReasonUnknown) << unknown;
    EXPECT_THAT(std::string(status.message()), HasSubstr("DIVORCE, DEATH, DECLARED_IN_ERROR, OWN_COVERAGE or OTHER"));
  }
  // The reason is checked before the member's state: a malformed request is told so first.
  EXPECT_EQ(RefusalIn(CheckRemoval(Spouse({}), Day(2021, 1, 1), "", "").status()), RefusalCode::kReasonRequired);
}

struct NoteCase {
  const char* name;
  std::string note;
  RefusalCode refusal;
};

void PrintTo(const NoteCase& c, std::ostream* os) { *os << c.name; }

class RemovalNote : public ::testing::TestWithParam<NoteCase> {};

TEST_P(RemovalNote, IsOptionalBoundedAndPrintable) {
  absl::Status status =
      CheckRemoval(Spouse({Open(Day(2025, 1, 1))}), Day(2026, 1, 1), "OTHER", GetParam().note).status();
  EXPECT_EQ(RefusalName(RefusalIn(status)), RefusalName(GetParam().refusal)) << status;
  if (!status.ok()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(GetParam().note)));
  }
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Every, RemovalNote,
    ::testing::Values(NoteCase{"None", "", kAccepted}, NoteCase{"Plain", "divorce prononcé", kAccepted},
                      NoteCase{"Arabic", "طلاق", kAccepted}, NoteCase{"MaxChars", Repeat("a", 200), kAccepted},
                      NoteCase{"MaxCharsArabic", Repeat("ط", 200), kAccepted},
                      NoteCase{"OneCharTooMany", Repeat("a", 201), RefusalCode::kNoteInvalid},
                      NoteCase{"ControlCharacter", "deces\x01 du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"Tab", "deces\tdu conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"Delete", "deces\x7F du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"C1Control", "deces\xC2\x85 du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"NotUtf8", "deces \xFF du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"NulByte", std::string("deces\0du", 8), RefusalCode::kNoteInvalid}),
    [](const ::testing::TestParamInfo<NoteCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------
// Names

TEST(Names, ReasonsAreTheIssuesWords) {
  EXPECT_EQ(ReasonName(ReasonCode::kNotRegistered), "NOT_REGISTERED");
  EXPECT_EQ(ReasonName(ReasonCode::kNotYetCovered), "NOT_YET_COVERED");
  EXPECT_EQ(ReasonName(ReasonCode::kAgeLimit), "AGE_LIMIT");
  EXPECT_EQ(ReasonName(ReasonCode::kStudiesEnded), "STUDIES_ENDED");
  EXPECT_EQ(ReasonName(ReasonCode::kRemoved), "REMOVED");
  EXPECT_EQ(ReasonName(ReasonCode::kInsuredNotCovered), "INSURED_NOT_COVERED");
  EXPECT_EQ(ReasonName(ReasonCode::kDetailsPending), "DETAILS_PENDING");
  EXPECT_EQ(ReasonName(ReasonCode::kNone), "NONE");
  EXPECT_EQ(RelationshipName(Relationship::kInsured), "INSURED");
  EXPECT_EQ(RelationshipName(Relationship::kSpouse), "SPOUSE");
  EXPECT_EQ(RelationshipName(Relationship::kChild), "CHILD");
}

TEST(Names, EveryRefusalHasItsOwnNameAndTravelsInItsStatus) {
  std::set<std::string> names;
  for (int i = 1; i <= static_cast<int>(RefusalCode::kInsuredNotCovered); ++i) {
    const auto refusal = static_cast<RefusalCode>(i);
    const std::string name(RefusalName(refusal));
    EXPECT_NE(name, "UNKNOWN");
    EXPECT_TRUE(names.insert(name).second) << name;
    absl::Status status = Refuse(refusal, "a message");
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(RefusalOf(status), refusal);
    EXPECT_EQ(status.message(), name + ": a message");
  }
  EXPECT_EQ(RefusalName(RefusalCode::kSpouseLimit), "SPOUSE_LIMIT");
  EXPECT_EQ(RefusalName(RefusalCode::kChildAgeLimit), "CHILD_AGE_LIMIT");
  EXPECT_EQ(RefusalName(RefusalCode::kMemberUnknown), "MEMBER_UNKNOWN");
  EXPECT_EQ(RefusalName(RefusalCode::kDetailsInvalid), "DETAILS_INVALID");
  EXPECT_EQ(RefusalName(RefusalCode::kInsuredNotCovered), "INSURED_NOT_COVERED");
  EXPECT_EQ(Refuse(RefusalCode::kDirectlyInsured, "m").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Refuse(RefusalCode::kAlreadyDependent, "m").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalOf(absl::OkStatus()), RefusalCode::kNone);
  EXPECT_EQ(RefusalOf(absl::InvalidArgumentError("SPOUSE_LIMIT: not made by Refuse")), RefusalCode::kNone);
  EXPECT_EQ(Refuse(RefusalCode::kNone, "m").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RefusalName(static_cast<RefusalCode>(99)), "UNKNOWN");
}

}  // namespace
}  // namespace himaya::beneficiary
