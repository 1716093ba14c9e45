// Family allowances' rules: the configuration (the shipped file, every key, every error) and the
// decision for a household and a month at its boundaries (birthdays inside the month and on its
// first day, apprenticeship, studies, disability, ranks, back-pay and its limit, recovery).
#include "beneficiary/src/allowance_rules.h"

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::beneficiary {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kExample[] = R"({"start_month": "2023-12", "child_age_limit": 12, "apprentice_age_limit": 18,
    "student_age_limit": 21, "disabled_child_without_age_limit": true,
    "amounts_by_rank_centimes": [30000, 30000, 30000, 3600, 3600, 3600], "back_pay_months": 12})";

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }
absl::CivilMonth Month(int y, int m) { return absl::CivilMonth(y, m); }

AllowanceRules RulesWith(const std::string& json) {
  absl::StatusOr<AllowanceRules> rules = AllowanceRules::Parse(json);
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : AllowanceRules::Shipped();
}

// kExample with `key`'s value replaced by `value`.
std::string With(const std::string& key, const std::string& value) {
  std::string json = kExample;
  const size_t at = json.find("\"" + key + "\": ") + key.size() + 4;
  size_t end = json[at] == '[' ? json.find(']', at) + 1 : json.find_first_of(",}", at);
  return json.replace(at, end - at, value);
}

AllowanceChild Child(const std::string& id, absl::CivilDay birth, absl::CivilDay from = Day(2020, 1, 1)) {
  AllowanceChild child;
  child.beneficiary_id = id;
  child.birth_date = birth;
  child.periods = {{from, std::nullopt, ReasonCode::kRemoved}};
  return child;
}

AllowanceHousehold Household(std::vector<AllowanceChild> children) {
  AllowanceHousehold h;
  h.registration_number = "100000017";
  h.insured_periods = {{Day(2020, 1, 1), std::nullopt, ReasonCode::kRemoved}};
  h.children = std::move(children);
  return h;
}

const AllowanceRules& Rules() { return AllowanceRules::Shipped(); }

// ---------------------------------------------------------------------------------------------
// Configuration

TEST(AllowanceRulesConfig, ShippedFileHoldsTheSalariedSchemesAmounts) {
  const AllowanceRules& rules = AllowanceRules::Shipped();
  EXPECT_EQ(rules.start_month(), Month(2023, 12));
  EXPECT_EQ(rules.child_age_limit(), 12);
  EXPECT_EQ(rules.apprentice_age_limit(), 18);
  EXPECT_EQ(rules.student_age_limit(), 21);
  EXPECT_TRUE(rules.disabled_child_without_age_limit());
  EXPECT_EQ(rules.back_pay_months(), 12);
  EXPECT_EQ(rules.AmountOfRank(1), 30000);
  EXPECT_EQ(rules.AmountOfRank(3), 30000);
  EXPECT_EQ(rules.AmountOfRank(4), 3600);
  EXPECT_EQ(rules.AmountOfRank(6), 3600);
  EXPECT_EQ(rules.AmountOfRank(7), 0);
  EXPECT_EQ(rules.AmountOfRank(0), 0);
}

TEST(AllowanceRulesConfig, ParsesEveryKey) {
  AllowanceRules rules = RulesWith(R"({"start_month": "2025-01", "child_age_limit": 10, "apprentice_age_limit": 10,
      "student_age_limit": 25, "disabled_child_without_age_limit": false, "amounts_by_rank_centimes": [0],
      "back_pay_months": 0})");
  EXPECT_EQ(rules.start_month(), Month(2025, 1));
  EXPECT_EQ(rules.child_age_limit(), 10);
  EXPECT_EQ(rules.apprentice_age_limit(), 10);
  EXPECT_EQ(rules.student_age_limit(), 25);
  EXPECT_FALSE(rules.disabled_child_without_age_limit());
  EXPECT_EQ(rules.amounts_by_rank_centimes(), std::vector<int64_t>{0});
  EXPECT_EQ(rules.back_pay_months(), 0);
}

TEST(AllowanceRulesConfig, EveryBadValueIsNamed) {
  struct Case {
    std::string json;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"[]", "not a JSON object"},
      {"{", "not a JSON object"},
      {With("back_pay_months", "12, \"extra\": 1"), "unknown key extra"},
      {With("back_pay_months", "12, \"back_pay_months\": 3"), "back_pay_months appears more than once"},
      {R"({"start_month": "2023-12"})", "is missing"},
      {With("start_month", "\"2023-13\""), "start_month must be a month written YYYY-MM"},
      {With("start_month", "\"2023-1\""), "start_month must be a month written YYYY-MM"},
      {With("start_month", "\"1999-12\""), "start_month must be a month written YYYY-MM, from 2000-01"},
      {With("start_month", "202312"), "start_month must be a month"},
      {With("child_age_limit", "0"), "child_age_limit must be an integer from 1 to 30 (is 0)"},
      {With("child_age_limit", "\"12\""), "child_age_limit must be an integer"},
      {With("child_age_limit", "12.5"), "child_age_limit must be an integer"},
      {With("apprentice_age_limit", "11"), "apprentice_age_limit must be an integer from 12 to 30 (is 11)"},
      {With("student_age_limit", "31"), "student_age_limit must be an integer from 12 to 30 (is 31)"},
      {With("student_age_limit", "18446744073709551615"), "student_age_limit must be an integer from 12 to 30"},
      {With("disabled_child_without_age_limit", "1"), "disabled_child_without_age_limit must be true or false"},
      {With("amounts_by_rank_centimes", "[]"), "amounts_by_rank_centimes must be a list of 1 to 20 amounts"},
      {With("amounts_by_rank_centimes", "30000"), "amounts_by_rank_centimes must be a list"},
      {With("amounts_by_rank_centimes", "[30000, -1]"), "amounts_by_rank_centimes[1] must be an integer from 0"},
      {With("amounts_by_rank_centimes", "[30000, 10000001]"), "amounts_by_rank_centimes[1] must be an integer"},
      {With("amounts_by_rank_centimes", "[300.5]"), "amounts_by_rank_centimes[0] must be an integer"},
      {With("back_pay_months", "121"), "back_pay_months must be an integer from 0 to 120 (is 121)"},
      {With("back_pay_months", "-1"), "back_pay_months must be an integer from 0 to 120 (is -1)"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<AllowanceRules> rules = AllowanceRules::Parse(c.json);
    ASSERT_FALSE(rules.ok()) << c.json;
    EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(rules.status().message()), StartsWith("allowance_rules: ")) << c.json;
    EXPECT_THAT(std::string(rules.status().message()), HasSubstr(c.error)) << c.json;
  }
  std::string many = "[";
  for (int i = 0; i < 21; ++i) absl::StrAppend(&many, i ? ", " : "", 100);
  EXPECT_FALSE(AllowanceRules::Parse(With("amounts_by_rank_centimes", many + "]")).ok()) << "21 ranks";
}

TEST(AllowanceRulesConfig, LoadsAFileOrTheShippedRules) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/allowance_rules.json";
  std::ofstream(path) << With("back_pay_months", "3");
  absl::StatusOr<AllowanceRules> loaded = AllowanceRules::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->back_pay_months(), 3);
  EXPECT_EQ(AllowanceRules::Load("")->back_pay_months(), 12);
  EXPECT_EQ(AllowanceRules::Load(dir.path() + "/none.json").status().code(), absl::StatusCode::kNotFound);
}

TEST(AllowanceRulesConfig, MonthsAreReadStrictly) {
  EXPECT_EQ(ParseMonth("2026-03"), Month(2026, 3));
  for (const char* bad : {"2026-3", "2026-13", "2026-00", "26-03", "2026-03-01", "", "abcd-ef"}) {
    EXPECT_FALSE(ParseMonth(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatMonth(Month(2026, 3)), "2026-03");
  EXPECT_EQ(FirstDayOf(Month(2026, 3)), Day(2026, 3, 1));
}

// ---------------------------------------------------------------------------------------------
// A child's right on the first day of the month

TEST(AllowanceRight, TwelfthBirthdayInsideTheMonthStillGivesTheMonth) {
  const AllowanceChild child = Child("100000017-01", Day(2014, 3, 15));
  EXPECT_TRUE(GivesRight(Rules(), child, Month(2026, 3))) << "11 on 2026-03-01";
  EXPECT_FALSE(GivesRight(Rules(), child, Month(2026, 4))) << "12 on 2026-04-01";
}

TEST(AllowanceRight, TwelfthBirthdayOnTheFirstEndsTheRightThatMonth) {
  const AllowanceChild child = Child("100000017-01", Day(2014, 3, 1));
  EXPECT_TRUE(GivesRight(Rules(), child, Month(2026, 2)));
  EXPECT_FALSE(GivesRight(Rules(), child, Month(2026, 3)));
}

TEST(AllowanceRight, AnApprenticeHasARightUpTo18WhileInApprenticeship) {
  AllowanceChild child = Child("100000017-01", Day(2008, 5, 20));
  child.apprenticeship_until = Day(2027, 6, 30);
  EXPECT_TRUE(GivesRight(Rules(), child, Month(2026, 5))) << "17 on 2026-05-01";
  EXPECT_FALSE(GivesRight(Rules(), child, Month(2026, 6))) << "18 on 2026-06-01";
  child.apprenticeship_until = Day(2026, 3, 1);
  EXPECT_TRUE(GivesRight(Rules(), child, Month(2026, 3))) << "the apprenticeship's last day is the 1st";
  EXPECT_FALSE(GivesRight(Rules(), child, Month(2026, 4))) << "ended: back to the limit of 12";
}

TEST(AllowanceRight, AStudentHasARightUpTo21WhileStudying) {
  AllowanceChild child = Child("100000017-01", Day(2005, 3, 10));
  child.studying_until = Day(2027, 6, 30);
  EXPECT_TRUE(GivesRight(Rules(), child, Month(2026, 3))) << "20 on 2026-03-01";
  EXPECT_FALSE(GivesRight(Rules(), child, Month(2026, 4))) << "21 on 2026-04-01";
  child.studying_until = Day(2026, 2, 28);
  EXPECT_FALSE(GivesRight(Rules(), child, Month(2026, 3))) << "studies ended the day before";
  AllowanceChild both = Child("100000017-02", Day(2007, 1, 1));
  both.apprenticeship_until = Day(2030, 1, 1);
  both.studying_until = Day(2030, 1, 1);
  EXPECT_TRUE(GivesRight(Rules(), both, Month(2026, 3))) << "19: the higher limit of the two";
}

TEST(AllowanceRight, ADisabledChildOf30HasARightWhenTheRulesSaySo) {
  AllowanceChild child = Child("100000017-01", Day(1996, 1, 1));
  child.disabled = true;
  EXPECT_TRUE(GivesRight(Rules(), child, Month(2026, 3)));
  const AllowanceRules strict = RulesWith(With("disabled_child_without_age_limit", "false"));
  EXPECT_FALSE(GivesRight(strict, child, Month(2026, 3)));
}

TEST(AllowanceRight, OnlyAPeriodCoveringTheFirstDayCounts) {
  const AllowanceChild late = Child("100000017-01", Day(2020, 1, 1), Day(2026, 3, 2));
  EXPECT_FALSE(GivesRight(Rules(), late, Month(2026, 3)));
  EXPECT_TRUE(GivesRight(Rules(), late, Month(2026, 4)));
  AllowanceChild removed = Child("100000017-02", Day(2020, 1, 1));
  removed.periods[0].end = Day(2026, 2, 28);
  EXPECT_TRUE(GivesRight(Rules(), removed, Month(2026, 2)));
  EXPECT_FALSE(GivesRight(Rules(), removed, Month(2026, 3)));
}

// ---------------------------------------------------------------------------------------------
// The month's amount by ranks

TEST(AllowanceDue, RanksChangeWhenTheEldestAgesOut) {
  // The eldest turns 12 on 2026-04-10: it gives March, not May.
  AllowanceHousehold h = Household({Child("100000017-04", Day(2014, 4, 10)), Child("100000017-01", Day(2016, 1, 1)),
                                    Child("100000017-02", Day(2018, 1, 1)), Child("100000017-03", Day(2020, 1, 1))});
  MonthDue april = DueFor(Rules(), h, Month(2026, 4));
  EXPECT_EQ(april.children_with_right, 4);
  EXPECT_EQ(april.amount_centimes, 3 * 30000 + 3600) << "the youngest is fourth";
  MonthDue may = DueFor(Rules(), h, Month(2026, 5));
  EXPECT_EQ(may.children_with_right, 3);
  EXPECT_EQ(may.amount_centimes, 3 * 30000) << "the youngest moves up to third";
}

TEST(AllowanceDue, NothingBeyondTheSixthAndTwinsRankByTheirIds) {
  std::vector<AllowanceChild> children;
  for (int i = 1; i <= 8; ++i) children.push_back(Child(absl::StrCat("100000017-0", i), Day(2015 + i / 2, 1, 1)));
  const AllowanceHousehold h = Household(children);
  const MonthDue due = DueFor(Rules(), h, Month(2026, 3));
  EXPECT_EQ(due.children_with_right, 8);
  EXPECT_EQ(due.amount_centimes, 3 * 30000 + 3 * 3600);
  // Twins: whichever id is first takes the better rank; swapping the ids changes nothing.
  const AllowanceRules rules = RulesWith(With("amounts_by_rank_centimes", "[30000, 100]"));
  AllowanceHousehold twins =
      Household({Child("100000017-02", Day(2018, 1, 1)), Child("100000017-01", Day(2018, 1, 1))});
  EXPECT_EQ(DueFor(rules, twins, Month(2026, 3)).amount_centimes, 30100);
}

TEST(AllowanceDue, NothingWhileTheInsuredIsNotCoveredOnTheFirst) {
  AllowanceHousehold h = Household({Child("100000017-01", Day(2020, 1, 1))});
  h.insured_periods = {{Day(2026, 3, 2), std::nullopt, ReasonCode::kRemoved}};
  EXPECT_EQ(DueFor(Rules(), h, Month(2026, 3)).amount_centimes, 0);
  EXPECT_EQ(DueFor(Rules(), h, Month(2026, 4)).amount_centimes, 30000);
}

// ---------------------------------------------------------------------------------------------
// Back-pay and recovery

// Credits `amount` to each month from `first` to `last`.
void Credit(AllowanceHousehold& h, absl::CivilMonth first, absl::CivilMonth last, int64_t amount) {
  for (absl::CivilMonth m = first; m <= last; ++m) h.credited[m] += amount;
}

TEST(AllowanceDecision, ALateDeclarationIsPaidBackNoFurtherThanTheLimit) {
  // The eldest was paid every month; the second child, declared in June 2026, is covered from
  // January 2024.
  AllowanceHousehold h =
      Household({Child("100000017-01", Day(2016, 1, 1)), Child("100000017-02", Day(2020, 1, 1), Day(2024, 1, 1))});
  Credit(h, Month(2023, 12), Month(2026, 5), 30000);
  AllowanceDecision d = DecideAllowance(Rules(), h, Month(2026, 6));
  EXPECT_EQ(d.children_with_right, 2);
  EXPECT_EQ(d.amount_centimes, 60000);
  EXPECT_EQ(d.arrears_centimes, 12 * 30000) << "2025-06 to 2026-05, not 2024";
  ASSERT_EQ(d.arrears_by_month.size(), 12u);
  EXPECT_EQ(d.arrears_by_month.front().first, Month(2025, 6));
  EXPECT_EQ(d.arrears_by_month.back().first, Month(2026, 5));
  EXPECT_EQ(d.recovery_centimes, 0);
  EXPECT_EQ(d.net_centimes(), 60000 + 12 * 30000);
  EXPECT_EQ(d.reason, AllowanceReason::kNone);
  // Never before the program's start month.
  const AllowanceRules later = RulesWith(With("start_month", "\"2025-09\""));
  EXPECT_EQ(DecideAllowance(later, h, Month(2026, 6)).arrears_centimes, 9 * 30000) << "2025-09 to 2026-05";
  const AllowanceRules none = RulesWith(With("back_pay_months", "0"));
  EXPECT_EQ(DecideAllowance(none, h, Month(2026, 6)).arrears_centimes, 0);
}

TEST(AllowanceDecision, AMonthNeverPaidIsOwedAsArrears) {
  AllowanceHousehold h = Household({Child("100000017-01", Day(2016, 1, 1))});
  Credit(h, Month(2025, 12), Month(2026, 1), 30000);
  Credit(h, Month(2026, 3), Month(2026, 3), 30000);  // February's line failed
  AllowanceDecision d = DecideAllowance(RulesWith(With("start_month", "\"2025-12\"")), h, Month(2026, 4));
  ASSERT_EQ(d.arrears_by_month.size(), 1u);
  EXPECT_EQ(d.arrears_by_month[0], std::make_pair(Month(2026, 2), int64_t{30000}));
}

TEST(AllowanceDecision, ABackdatedRemovalIsRecoveredOverSeveralMonthsNeverBelowZero) {
  // Two children paid February to April; the second is removed with 2026-01-31 as last day.
  AllowanceChild removed = Child("100000017-02", Day(2019, 1, 1));
  removed.periods[0].end = Day(2026, 1, 31);
  AllowanceHousehold h = Household({Child("100000017-01", Day(2016, 1, 1)), removed});
  const AllowanceRules rules = RulesWith(With("start_month", "\"2026-01\""));
  Credit(h, Month(2026, 1), Month(2026, 1), 60000);
  Credit(h, Month(2026, 2), Month(2026, 4), 60000);
  // What each confirmed payment credits: the month's amount and the recovery.
  std::vector<int64_t> recovered, paid;
  for (absl::CivilMonth m = Month(2026, 5); m <= Month(2026, 8); ++m) {
    AllowanceDecision d = DecideAllowance(rules, h, m);
    EXPECT_EQ(d.amount_centimes, 30000);
    EXPECT_EQ(d.arrears_centimes, 0);
    EXPECT_GE(d.net_centimes(), 0);
    recovered.push_back(d.recovery_centimes);
    paid.push_back(d.net_centimes());
    if (d.net_centimes() == 0) {
      EXPECT_EQ(d.reason, AllowanceReason::kRecoveredInFull);
    }
    h.credited[m] += d.amount_centimes;
    h.recovered += d.recovery_centimes;
  }
  EXPECT_EQ(recovered, (std::vector<int64_t>{30000, 30000, 30000, 0}));
  EXPECT_EQ(paid, (std::vector<int64_t>{0, 0, 0, 30000}));
}

TEST(AllowanceDecision, ARecoveryTakesPartOfAMonthAndCarriesNothingMore) {
  AllowanceChild removed = Child("100000017-02", Day(2019, 1, 1));
  removed.periods[0].end = Day(2026, 2, 28);
  AllowanceHousehold h = Household({Child("100000017-01", Day(2016, 1, 1)), removed});
  Credit(h, Month(2026, 3), Month(2026, 3), 40000);  // 10000 more than owed
  AllowanceDecision d = DecideAllowance(RulesWith(With("start_month", "\"2026-03\"")), h, Month(2026, 4));
  EXPECT_EQ(d.recovery_centimes, 10000);
  EXPECT_EQ(d.net_centimes(), 20000);
  EXPECT_EQ(d.reason, AllowanceReason::kNone);
}

TEST(AllowanceDecision, TheMonthsOwnAmountIsWhatItsLedgerDoesNotHoldYet) {
  AllowanceHousehold h = Household({Child("100000017-01", Day(2016, 1, 1)), Child("100000017-02", Day(2018, 1, 1))});
  const AllowanceRules rules = RulesWith(With("start_month", "\"2026-03\""));
  Credit(h, Month(2026, 3), Month(2026, 3), 30000);
  AllowanceDecision d = DecideAllowance(rules, h, Month(2026, 3));
  EXPECT_EQ(d.children_with_right, 2);
  EXPECT_EQ(d.amount_centimes, 30000) << "60000 due, 30000 credited";
  EXPECT_EQ(d.reason, AllowanceReason::kNone);
  Credit(h, Month(2026, 3), Month(2026, 3), 40000);
  d = DecideAllowance(rules, h, Month(2026, 3));
  EXPECT_EQ(d.amount_centimes, 0) << "never below zero";
  EXPECT_EQ(d.recovery_centimes, 0);
  EXPECT_EQ(d.reason, AllowanceReason::kPaidAlready);
}

TEST(AllowanceDecision, EveryHouseholdWithoutAnAmountHasAReason) {
  const AllowanceRules rules = RulesWith(With("start_month", "\"2026-03\""));
  AllowanceHousehold grown = Household({Child("100000017-01", Day(2010, 1, 1))});
  EXPECT_EQ(DecideAllowance(rules, grown, Month(2026, 3)).reason, AllowanceReason::kNoChildWithRight);
  AllowanceHousehold pending = Household({});
  pending.children_pending = 2;
  EXPECT_EQ(DecideAllowance(rules, pending, Month(2026, 3)).reason, AllowanceReason::kDetailsPending);
  AllowanceHousehold unregistered = Household({Child("100000017-01", Day(2020, 1, 1))});
  unregistered.insured_periods.clear();
  EXPECT_EQ(DecideAllowance(rules, unregistered, Month(2026, 3)).reason, AllowanceReason::kInsuredNotCovered);
  AllowanceHousehold suspended = Household({Child("100000017-01", Day(2020, 1, 1))});
  suspended.insured_periods = {{Day(2020, 1, 1), Day(2026, 2, 14), ReasonCode::kContributionsUnpaid},
                               {Day(2026, 4, 1), std::nullopt, ReasonCode::kRemoved}};
  EXPECT_EQ(DecideAllowance(rules, suspended, Month(2026, 3)).reason, AllowanceReason::kContributionsUnpaid);
  EXPECT_EQ(DecideAllowance(rules, suspended, Month(2026, 4)).amount_centimes, 30000) << "restored on the 1st";
  for (AllowanceReason r :
       {AllowanceReason::kInsuredNotCovered, AllowanceReason::kContributionsUnpaid, AllowanceReason::kDetailsPending,
        AllowanceReason::kNoChildWithRight, AllowanceReason::kRecoveredInFull, AllowanceReason::kPaidAlready,
        AllowanceReason::kNoPaymentMode, AllowanceReason::kPaymentFailed}) {
    EXPECT_FALSE(AllowanceReasonName(r).empty());
  }
  EXPECT_EQ(AllowanceReasonName(AllowanceReason::kNone), "");
}

}  // namespace
}  // namespace himaya::beneficiary
