// Coverage on a date: ages, studies, disability, periods, and the insured through whom.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/test/family_rules_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

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

}  // namespace
}  // namespace himaya::beneficiary
