// The claim rules as configuration: the shipped file, every key at its bounds, every error
// naming its key, and the rate chosen for a program and a care category.
#include <fstream>
#include <string>
#include <vector>

#include "claims/src/claim_rules.h"
#include "claims/test/claim_rules_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ClaimRulesConfig, ShippedFileHoldsTheDefaults) {
  const ClaimRules& rules = ClaimRules::Shipped();
  EXPECT_EQ(rules.filing_delay_days(), 60);
  EXPECT_EQ(rules.due_days(), 9);
  EXPECT_EQ(rules.escalate_after_days(), 3);
  EXPECT_EQ(rules.review_threshold_centimes(), 500000);
  EXPECT_EQ(rules.sample_basis_points(), 200);
  EXPECT_EQ(rules.sample_seed(), 20260101u);
  for (const char* program : {"amo-tns", "amo-tadamon"}) {
    for (const char* category : {"CONSULTATION", "PHARMACY", "OPTICS"}) {
      EXPECT_EQ(rules.RatePercent(program, category, false), 70);
      EXPECT_EQ(rules.RatePercent(program, category, true), 90);
    }
  }
}

TEST(ClaimRulesConfig, ParsesEveryKey) {
  const ClaimRules rules = RulesWith(
      R"({"filing_delay_days": 90, "due_days": 12, "escalate_after_days": 5, "review_threshold": "1234.5",
          "sample_percent": "2.5", "sample_seed": 18446744073709551615,
          "rates": [{"program": "amo-tns", "category": "DENTAL", "ordinary": 60, "ald": 80}]})");
  EXPECT_EQ(rules.filing_delay_days(), 90);
  EXPECT_EQ(rules.due_days(), 12);
  EXPECT_EQ(rules.escalate_after_days(), 5);
  EXPECT_EQ(rules.review_threshold_centimes(), 123450);
  EXPECT_EQ(rules.sample_basis_points(), 250);
  EXPECT_EQ(rules.sample_seed(), 18446744073709551615u);
  EXPECT_EQ(rules.RatePercent("amo-tns", "DENTAL", false), 60);
  EXPECT_EQ(rules.RatePercent("amo-tns", "DENTAL", true), 80);
}

TEST(ClaimRulesConfig, SamplePercentAsAStringOrAnInteger) {
  EXPECT_EQ(RulesWith(With("sample_percent", "2")).sample_basis_points(), 200);
  EXPECT_EQ(RulesWith(With("sample_percent", "\"2\"")).sample_basis_points(), 200);
  EXPECT_EQ(RulesWith(With("sample_percent", "\"0.01\"")).sample_basis_points(), 1);
  EXPECT_EQ(RulesWith(With("sample_percent", "\"0\"")).sample_basis_points(), 0);
  EXPECT_EQ(RulesWith(With("sample_percent", "100")).sample_basis_points(), 10000);
  EXPECT_EQ(RulesWith(With("sample_percent", "\"100.00\"")).sample_basis_points(), 10000);
}

TEST(ClaimRulesConfig, AcceptsTheBoundsOfEachRange) {
  for (const std::string& json : {
           With("filing_delay_days", "1"),
           With("filing_delay_days", "3650"),
           With("due_days", "1"),
           With("due_days", "365"),
           With("escalate_after_days", "1"),
           With("escalate_after_days", "365"),
           With("review_threshold", "\"0\""),
           With("review_threshold", "\"10000000000.00\""),
           With("sample_seed", "0"),
           With("rates", "[]"),
           With("rates", R"([{"ordinary": 0, "ald": 0}])"),
           With("rates", R"([{"ordinary": 100, "ald": 100}])"),
           With("rates", R"([{"ordinary": 70, "ald": 90}, {"program": "amo-tns", "ordinary": 80, "ald": 90},
                             {"category": "DENTAL", "ordinary": 60, "ald": 90},
                             {"program": "amo-tns", "category": "DENTAL", "ordinary": 50, "ald": 90}])"),
       }) {
    absl::StatusOr<ClaimRules> rules = ClaimRules::Parse(json);
    EXPECT_TRUE(rules.ok()) << json << ": " << rules.status();
  }
}

TEST(ClaimRulesConfig, LoadsAFileOrTheShippedRules) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/claim_rules.json";
  std::ofstream(path) << With("due_days", "5");
  absl::StatusOr<ClaimRules> loaded = ClaimRules::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->due_days(), 5);

  absl::StatusOr<ClaimRules> shipped = ClaimRules::Load("");
  ASSERT_TRUE(shipped.ok());
  EXPECT_EQ(shipped->sample_seed(), 20260101u);

  absl::StatusOr<ClaimRules> missing = ClaimRules::Load(dir.path() + "/nope.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("nope.json"));

  std::ofstream(path) << With("due_days", "0");
  EXPECT_EQ(ClaimRules::Load(path).status().code(), absl::StatusCode::kInvalidArgument);
}

struct ConfigError {
  std::string json;
  std::string message;  // what the error must say (the key at fault)
};

void PrintTo(const ConfigError& e, std::ostream* os) { *os << e.message << " <- " << e.json; }

class ClaimRulesConfigError : public ::testing::TestWithParam<ConfigError> {};

TEST_P(ClaimRulesConfigError, IsInvalidArgumentNamingTheKey) {
  absl::StatusOr<ClaimRules> rules = ClaimRules::Parse(GetParam().json);
  ASSERT_FALSE(rules.ok()) << GetParam().json;
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()), StartsWith("claim_rules: "));
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr(GetParam().message));
}

// `key` taken out of kExample.
std::string Without(const std::string& key) {
  std::string json = With(key, "0");
  const size_t at = json.find("\"" + key + "\": 0");
  size_t end = at + key.size() + 5;
  if (json[end] == ',') ++end;
  json.erase(at, end - at);
  // A trailing comma left before the closing brace.
  const size_t comma = json.find_last_not_of(" \n}");
  if (json[comma] == ',') json.erase(comma, 1);
  return json;
}

std::vector<ConfigError> Errors() {
  std::vector<ConfigError> errors;
  for (const char* key : {"filing_delay_days", "due_days", "escalate_after_days", "review_threshold", "sample_percent",
                          "sample_seed", "rates"}) {
    errors.push_back({Without(key), std::string(key) + ": is missing"});
  }
  const std::vector<ConfigError> more = {
      {"", "file: not a JSON object"},
      {"[]", "file: not a JSON object"},
      {"{\"due_days\": ", "file: not a JSON object"},
      {With("due_days", "9, \"max_items\": 50"), "max_items: unknown key"},
      {With("due_days", "9, \"due_days\": 10"), "due_days: appears more than once"},
      {With("due_days", "9, \"\\u0001bad\": 1"), "?bad: unknown key"},
      {With("due_days", "9, \"" + std::string(100, 'k') + "\": 1"), std::string(64, 'k') + "...: unknown key"},
      // wrong types
      {With("filing_delay_days", "\"60\""), "filing_delay_days: must be an integer from 1 to 3650"},
      {With("filing_delay_days", "60.0"), "filing_delay_days: must be an integer"},
      {With("due_days", "true"), "due_days: must be an integer from 1 to 365"},
      {With("escalate_after_days", "null"), "escalate_after_days: must be an integer from 1 to 365"},
      {With("review_threshold", "5000"), "review_threshold: must be a string with at most two decimals"},
      {With("review_threshold", "5000.0"), "review_threshold: "},
      {With("sample_percent", "2.5"), "sample_percent: must be a string with at most two decimals"},
      {With("sample_percent", "[2]"), "sample_percent: "},
      {With("sample_seed", "\"7\""), "sample_seed: must be an integer from 0 to 18446744073709551615"},
      {With("sample_seed", "7.5"), "sample_seed: "},
      {With("rates", "{}"), "rates: must be a list"},
      {With("rates", "[70]"), "rates[0]: must be an object"},
      // out of range
      {With("filing_delay_days", "0"), "filing_delay_days: must be an integer from 1 to 3650 (is 0)"},
      {With("filing_delay_days", "3651"), "filing_delay_days: must be an integer from 1 to 3650 (is 3651)"},
      {With("filing_delay_days", "-60"), "filing_delay_days: "},
      {With("filing_delay_days", "99999999999999999999"), "filing_delay_days: "},
      {With("due_days", "0"), "due_days: "},
      {With("due_days", "366"), "due_days: "},
      {With("escalate_after_days", "0"), "escalate_after_days: "},
      {With("escalate_after_days", "366"), "escalate_after_days: "},
      {With("review_threshold", "\"-1\""), "review_threshold: "},
      {With("review_threshold", "\"10000000000.01\""), "review_threshold: "},
      {With("review_threshold", "\"5000.001\""), "review_threshold: "},
      {With("review_threshold", "\"\""), "review_threshold: "},
      {With("sample_percent", "\"100.01\""), "sample_percent: "},
      {With("sample_percent", "101"), "sample_percent: "},
      {With("sample_percent", "-1"), "sample_percent: "},
      {With("sample_percent", "\"2.555\""), "sample_percent: "},
      {With("sample_percent", "\"-2\""), "sample_percent: "},
      {With("sample_percent", "\"2%\""), "sample_percent: "},
      {With("sample_seed", "-1"), "sample_seed: "},
      // rates
      {With("rates", R"([{"ordinary": 70}])"), "rates[0].ald: is missing"},
      {With("rates", R"([{"ald": 90}])"), "rates[0].ordinary: is missing"},
      {With("rates", R"([{"ordinary": 70, "ald": 90, "region": "x"}])"), "rates[0].region: unknown key"},
      {With("rates", R"([{"ordinary": 70, "ald": 90, "ald": 95}])"), "ald: appears more than once"},
      {With("rates", R"([{"ordinary": 101, "ald": 101}])"), "rates[0].ordinary: must be an integer from 0 to 100"},
      {With("rates", R"([{"ordinary": -1, "ald": 90}])"), "rates[0].ordinary: "},
      {With("rates", R"([{"ordinary": "70", "ald": 90}])"), "rates[0].ordinary: "},
      {With("rates", R"([{"ordinary": 70, "ald": 101}])"), "rates[0].ald: must be an integer from 70 to 100"},
      {With("rates", R"([{"ordinary": 70, "ald": 69}])"), "rates[0].ald: must be an integer from 70 to 100 (is 69)"},
      {With("rates", R"([{"ordinary": 70, "ald": 90}, {"program": "amo-xyz", "ordinary": 70, "ald": 90}])"),
       "rates[1].program: must be one of the suite's programs"},
      {With("rates", R"([{"program": 1, "ordinary": 70, "ald": 90}])"), "rates[0].program: "},
      {With("rates", R"([{"program": "", "ordinary": 70, "ald": 90}])"), "rates[0].program: "},
      {With("rates", R"([{"category": "dental", "ordinary": 70, "ald": 90}])"), "rates[0].category: "},
      {With("rates", R"([{"category": "", "ordinary": 70, "ald": 90}])"), "rates[0].category: "},
      {With("rates", R"([{"category": null, "ordinary": 70, "ald": 90}])"), "rates[0].category: "},
      {With("rates", R"([{"ordinary": 70, "ald": 90}, {"ordinary": 60, "ald": 90}])"),
       "rates[1]: same program and category as rates[0]"},
      {With("rates", R"([{"program": "amo-tns", "category": "DENTAL", "ordinary": 70, "ald": 90},
                         {"category": "DENTAL", "ordinary": 70, "ald": 90},
                         {"category": "DENTAL", "program": "amo-tns", "ordinary": 60, "ald": 90}])"),
       "rates[2]: same program and category as rates[0]"},
  };
  errors.insert(errors.end(), more.begin(), more.end());
  return errors;
}

INSTANTIATE_TEST_SUITE_P(EveryKey, ClaimRulesConfigError, ::testing::ValuesIn(Errors()));

TEST(ClaimRulesRates, TheMostSpecificEntryWins) {
  const ClaimRules rules = RulesWith(With("rates", R"([
      {"ordinary": 71, "ald": 91},
      {"category": "DENTAL", "ordinary": 60, "ald": 92},
      {"program": "amo-tns", "ordinary": 80, "ald": 93},
      {"program": "amo-tns", "category": "DENTAL", "ordinary": 50, "ald": 94}])"));
  EXPECT_EQ(rules.RatePercent("amo-tns", "DENTAL", false), 50);
  EXPECT_EQ(rules.RatePercent("amo-tns", "DENTAL", true), 94);
  EXPECT_EQ(rules.RatePercent("amo-tns", "OPTICS", false), 80);  // program alone beats category alone
  EXPECT_EQ(rules.RatePercent("amo-tns", "OPTICS", true), 93);
  EXPECT_EQ(rules.RatePercent("amo-tadamon", "DENTAL", false), 60);
  EXPECT_EQ(rules.RatePercent("amo-tadamon", "DENTAL", true), 92);
  EXPECT_EQ(rules.RatePercent("amo-tadamon", "OPTICS", false), 71);
  EXPECT_EQ(rules.RatePercent("amo-tadamon", "OPTICS", true), 91);
  EXPECT_EQ(rules.RatePercent("", "", false), 71);  // program not known yet: the catch-all
}

TEST(ClaimRulesRates, WithoutAMatchingEntryThe70And90Defaults) {
  const ClaimRules none = RulesWith(With("rates", "[]"));
  EXPECT_EQ(none.RatePercent("amo-tns", "DENTAL", false), 70);
  EXPECT_EQ(none.RatePercent("amo-tns", "DENTAL", true), 90);
  const ClaimRules dental_only = RulesWith(With("rates", R"([{"category": "DENTAL", "ordinary": 60, "ald": 80}])"));
  EXPECT_EQ(dental_only.RatePercent("amo-tns", "DENTAL", false), 60);
  EXPECT_EQ(dental_only.RatePercent("amo-tns", "OPTICS", false), 70);
  EXPECT_EQ(dental_only.RatePercent("amo-tns", "OPTICS", true), 90);
}

}  // namespace
}  // namespace himaya::claims
