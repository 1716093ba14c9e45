// The contribution rules as configuration (the shipped file, every bad value refused naming its
// key) and the computations at their bounds: amounts, due dates, suspension days, periods.
#include "contributions/src/contribution_rules.h"

#include <fstream>
#include <functional>
#include <string>

#include "contributions_contribution_rules_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace himaya::contributions {
namespace {

using ::testing::HasSubstr;

// The shipped file with `edit` applied to its JSON.
std::string ShippedWith(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json json = nlohmann::json::parse(contributions_contribution_rules_json());
  edit(json);
  return json.dump();
}

std::string ErrorOf(const std::function<void(nlohmann::json&)>& edit) {
  absl::StatusOr<ContributionRules> rules = ContributionRules::Parse(ShippedWith(edit));
  EXPECT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(rules.status().message());
}

TEST(ContributionRulesConfig, ShippedFileHoldsBothProgramsWithContributions) {
  const ContributionRules& rules = ContributionRules::Shipped();
  EXPECT_EQ(rules.Programs(), (std::vector<std::string>{"amo-tadamon", "amo-tns"}));
  EXPECT_EQ(rules.For("family-allowances"), nullptr);
  const ProgramRules* tns = rules.For("amo-tns");
  ASSERT_NE(tns, nullptr);
  EXPECT_EQ(tns->payer, Payer::kInsured);
  EXPECT_EQ(tns->rate_basis_points, 637);
  EXPECT_EQ(tns->grace_days, 90);
  EXPECT_EQ(tns->reference_income_centimes.size(), 11u);
  const ProgramRules* tadamon = rules.For("amo-tadamon");
  ASSERT_NE(tadamon, nullptr);
  EXPECT_EQ(tadamon->payer, Payer::kState);
  EXPECT_EQ(*MonthlyAmount(*tadamon, ""), 12740);
  EXPECT_EQ(*MonthlyAmount(*tadamon, "ANY"), 12740);
}

TEST(ContributionRulesConfig, ShippedFileLoadsFromItsPathAndTheDefault) {
  EXPECT_TRUE(ContributionRules::Load("").ok());
  testing::TempDir dir;
  const std::string path = dir.path() + "/rules.json";
  std::ofstream(path) << ShippedWith([](auto& j) { j["programs"]["amo-tns"]["grace_days"] = 30; });
  absl::StatusOr<ContributionRules> loaded = ContributionRules::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->For("amo-tns")->grace_days, 30);
  std::ofstream(path) << "{";
  EXPECT_EQ(ContributionRules::Load(path).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ContributionRules::Load(dir.path() + "/missing.json").status().code(), absl::StatusCode::kNotFound);
}

TEST(ContributionRulesConfig, RefusesAFileThatIsNotAnObjectOrRepeatsAKey) {
  EXPECT_THAT(ContributionRules::Parse("[]").status().message(), HasSubstr("file: not a JSON object"));
  EXPECT_THAT(ContributionRules::Parse("{").status().message(), HasSubstr("file: not a JSON object"));
  EXPECT_THAT(ContributionRules::Parse(R"({"programs": {}, "programs": {}})").status().message(),
              HasSubstr("programs: appears more than once"));
  EXPECT_THAT(ContributionRules::Parse(R"({"programs": {}})").status().message(),
              HasSubstr("programs: must be an object with at least one program"));
  EXPECT_THAT(ContributionRules::Parse(R"({})").status().message(), HasSubstr("programs: is missing"));
}

TEST(ContributionRulesConfig, RefusesUnknownKeysAndPrograms) {
  EXPECT_THAT(ErrorOf([](auto& j) { j["extra"] = 1; }), HasSubstr("contribution_rules: extra: unknown key"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["rate"] = 1; }),
              HasSubstr("programs.amo-tns.rate: unknown key"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"].erase("grace_days"); }),
              HasSubstr("programs.amo-tns.grace_days: is missing"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-xyz"] = j["programs"]["amo-tns"]; }),
              HasSubstr("programs.amo-xyz: not one of the suite's programs"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"] = 3; }), HasSubstr("programs.amo-tns: must be an object"));
}

TEST(ContributionRulesConfig, RefusesEachBadValueNamingItsKey) {
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["payer"] = "EMPLOYER"; }),
              HasSubstr("programs.amo-tns.payer: must be \"INSURED\" or \"STATE\""));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["payer"] = 1; }),
              HasSubstr("programs.amo-tns.payer: must be"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["rate_basis_points"] = 0; }),
              HasSubstr("programs.amo-tns.rate_basis_points: must be an integer from 1 to 10000 (is 0)"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["rate_basis_points"] = 10001; }),
              HasSubstr("rate_basis_points: must be an integer from 1 to 10000 (is 10001)"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["rate_basis_points"] = 6.37; }),
              HasSubstr("rate_basis_points: must be an integer"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["due_months_after_period"] = 13; }),
              HasSubstr("due_months_after_period: must be an integer from 0 to 12 (is 13)"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["due_months_after_period"] = -1; }),
              HasSubstr("due_months_after_period: must be an integer from 0 to 12 (is -1)"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["grace_days"] = -1; }),
              HasSubstr("grace_days: must be an integer from 0 to 3650 (is -1)"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["grace_days"] = "90"; }),
              HasSubstr("grace_days: must be an integer"));
}

TEST(ContributionRulesConfig, EveryCategoryOfAProgramHasOneIncomeAndAFlatProgramOneAmount) {
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["reference_income_centimes"].erase("TAXI"); }),
              HasSubstr("reference_income_centimes.TAXI: is missing"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["reference_income_centimes"]["PILOT"] = 1; }),
              HasSubstr("reference_income_centimes.PILOT: not a category of the program"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["reference_income_centimes"]["AGRI"] = 0; }),
              HasSubstr("reference_income_centimes.AGRI: must be an integer from 1 to 100000000 (is 0)"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["reference_income_centimes"]["AGRI"] = 100000001; }),
              HasSubstr("reference_income_centimes.AGRI: must be an integer from 1 to 100000000"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tns"]["reference_income_centimes"] = 150000; }),
              HasSubstr("amo-tns.reference_income_centimes: must be an object {category: centimes}"));
  EXPECT_THAT(ErrorOf([](auto& j) {
                j["programs"]["amo-tadamon"]["reference_income_centimes"] = {{"X", 1}};
              }),
              HasSubstr("amo-tadamon.reference_income_centimes: must be one amount in centimes"));
  EXPECT_THAT(ErrorOf([](auto& j) { j["programs"]["amo-tadamon"]["reference_income_centimes"] = 0; }),
              HasSubstr("amo-tadamon.reference_income_centimes: must be one amount in centimes"));
}

TEST(ContributionRulesAmounts, AMonthIsTheRateOnTheCategorysIncomeRoundedDown) {
  ProgramRules tns;
  tns.program = "amo-tns";
  tns.rate_basis_points = 637;
  tns.reference_income_centimes = {{"AGRI", 150000}, {"ODD", 99}};
  EXPECT_EQ(*MonthlyAmount(tns, "AGRI"), 9555);  // 1500.00 × 6.37 % = 95.55
  EXPECT_EQ(*MonthlyAmount(tns, "ODD"), 6);      // 0.99 × 6.37 % = 0.063 -> 0.06
  EXPECT_EQ(MonthlyAmount(tns, "TAXI").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(MonthlyAmount(tns, "").status().code(), absl::StatusCode::kNotFound);
  tns.rate_basis_points = 10000;
  tns.reference_income_centimes = {{"AGRI", 100000000}};
  EXPECT_EQ(*MonthlyAmount(tns, "AGRI"), 100000000);
}

TEST(ContributionRulesDates, ACallIsDueOnTheLastDayOfTheMonthAfterItsPeriod) {
  ProgramRules rules;
  rules.due_months_after_period = 1;
  EXPECT_EQ(DueDate(rules, absl::CivilMonth(2026, 1)), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(DueDate(rules, absl::CivilMonth(2028, 1)), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(DueDate(rules, absl::CivilMonth(2026, 12)), absl::CivilDay(2027, 1, 31));
  rules.due_months_after_period = 0;
  EXPECT_EQ(DueDate(rules, absl::CivilMonth(2026, 4)), absl::CivilDay(2026, 4, 30));
  rules.due_months_after_period = 12;
  EXPECT_EQ(DueDate(rules, absl::CivilMonth(2026, 3)), absl::CivilDay(2027, 3, 31));
}

TEST(ContributionRulesDates, ArrearsSuspendTheDayAfterTheGracePeriod) {
  ProgramRules rules;
  rules.grace_days = 90;
  EXPECT_EQ(SuspensionDay(rules, absl::CivilDay(2026, 2, 28)), absl::CivilDay(2026, 5, 30));
  rules.grace_days = 0;
  EXPECT_EQ(SuspensionDay(rules, absl::CivilDay(2026, 2, 28)), absl::CivilDay(2026, 3, 1));
}

TEST(ContributionRulesDates, PeriodsAndDaysAreReadStrictly) {
  EXPECT_EQ(*ParsePeriod("2026-03"), absl::CivilMonth(2026, 3));
  EXPECT_EQ(FormatPeriod(absl::CivilMonth(2026, 3)), "2026-03");
  for (const char* bad : {"", "2026-3", "2026-13", "2026-00", "2026/03", "26-03", "2026-03-01", "1999-12", "3000-01",
                          "+026-03", "2026-0a"}) {
    absl::StatusOr<absl::CivilMonth> p = ParsePeriod(bad);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_THAT(p.status().message(), HasSubstr("period: must be a month written YYYY-MM")) << bad;
  }
  EXPECT_EQ(*ParseDay("2026-02-28"), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(FormatDay(absl::CivilDay(2026, 2, 28)), "2026-02-28");
  for (const char* bad : {"", "2026-02-30", "2026-2-28", "20260228", "2026-02-28T00", "2026-13-01"}) {
    EXPECT_FALSE(ParseDay(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParsePayer("INSURED"), Payer::kInsured);
  EXPECT_EQ(ParsePayer("STATE"), Payer::kState);
  EXPECT_FALSE(ParsePayer("insured").has_value());
  EXPECT_EQ(PayerName(Payer::kState), "STATE");
}

}  // namespace
}  // namespace himaya::contributions
