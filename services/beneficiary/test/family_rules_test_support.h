// What the family rules' tests share: the example configuration, days, and the beneficiaries
// the cases start from.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "beneficiary/src/family_rules.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {

inline constexpr char kExample[] =
    R"({"max_spouses": 4, "child_age_limit": 21, "student_age_limit": 26,
        "disabled_child_without_age_limit": true, "spouse_min_age": 18})";

inline absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

inline const FamilyRules& Rules() { return FamilyRules::Shipped(); }

inline FamilyRules RulesWith(absl::string_view json) {
  absl::StatusOr<FamilyRules> rules = FamilyRules::Parse(json);
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : FamilyRules::Shipped();
}

inline CoveragePeriod Open(absl::CivilDay start) { return CoveragePeriod{start, std::nullopt, ReasonCode::kRemoved}; }
inline CoveragePeriod Ended(absl::CivilDay start, absl::CivilDay end, ReasonCode why = ReasonCode::kRemoved) {
  return CoveragePeriod{start, end, why};
}

// A child born 2005-03-01 (21 on 2026-03-01, 26 on 2031-03-01), covered since birth.
inline BeneficiaryFacts Child() {
  BeneficiaryFacts child;
  child.relationship = Relationship::kChild;
  child.birth_date = Day(2005, 3, 1);
  child.periods = {Open(Day(2005, 3, 1))};
  return child;
}

inline BeneficiaryFacts Spouse(std::vector<CoveragePeriod> periods) {
  BeneficiaryFacts spouse;
  spouse.relationship = Relationship::kSpouse;
  spouse.birth_date = Day(1980, 1, 1);
  spouse.periods = std::move(periods);
  return spouse;
}

// `json` is kExample with `key`'s value replaced by `value`.
inline std::string With(const std::string& key, const std::string& value) {
  std::string json = kExample;
  const size_t at = json.find("\"" + key + "\": ") + key.size() + 4;
  const size_t end = json.find_first_of(",}", at);
  return json.replace(at, end - at, value);
}

inline BeneficiaryFacts Insured() {
  BeneficiaryFacts insured = Spouse({Open(Day(2022, 7, 1))});
  insured.relationship = Relationship::kInsured;
  insured.birth_date = Day(1940, 5, 5);
  return insured;
}

}  // namespace himaya::beneficiary
