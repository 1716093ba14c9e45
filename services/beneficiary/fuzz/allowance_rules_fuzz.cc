// Fuzzes the family allowances' rules file: whatever text is given, Parse answers a status or
// rules within the documented ranges, never a crash; accepted rules decide a household drawn
// from the rules' own values without a negative amount or a net below zero.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "beneficiary/src/allowance_rules.h"

namespace {

using namespace himaya::beneficiary;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<AllowanceRules> rules = AllowanceRules::Parse(text);
  if (!rules.ok()) {
    Check(rules.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  Check(rules->child_age_limit() >= 1 && rules->child_age_limit() <= 30);
  Check(rules->apprentice_age_limit() >= rules->child_age_limit() && rules->apprentice_age_limit() <= 30);
  Check(rules->student_age_limit() >= rules->child_age_limit() && rules->student_age_limit() <= 30);
  Check(rules->back_pay_months() >= 0 && rules->back_pay_months() <= 120);
  Check(!rules->amounts_by_rank_centimes().empty() && rules->amounts_by_rank_centimes().size() <= 20);
  AllowanceHousehold household;
  household.insured_periods = {{FirstDayOf(rules->start_month()), std::nullopt, ReasonCode::kRemoved}};
  for (int i = 0; i < 3; ++i) {
    AllowanceChild child;
    child.beneficiary_id = std::to_string(i);
    child.birth_date = FirstDayOf(rules->start_month()) - 365 * (i * 5 + 1);
    child.periods = {{child.birth_date, std::nullopt, ReasonCode::kRemoved}};
    household.children.push_back(child);
  }
  household.credited[rules->start_month()] = 1'000'000;
  const AllowanceDecision decision = DecideAllowance(*rules, household, rules->start_month() + 2);
  Check(decision.amount_centimes >= 0 && decision.arrears_centimes >= 0 && decision.recovery_centimes >= 0);
  Check(decision.net_centimes() >= 0);
  return 0;
}
