// The contribution rules, kept as configuration (config/contribution_rules.json, or a
// deployment's own file), and the pure computations made with them: what a month costs an
// insured, when a period's call is due, from which day unpaid arrears suspend coverage.
// No clock, no storage, no proto: every fact is a parameter, so each rule is tested at its
// bounds.
//
// Conventions (the tests hold them):
// - Amounts are integers in centimes: a month = floor(reference income × rate / 10000), the rate
//   in basis points (6.37 % is 637), in 64-bit integers.
// - A period's call is due on the last day of the month `due_months_after_period` months after
//   the period (0: the period's own last day).
// - A call still unpaid `grace_days` days after its due date suspends its insured (payer
//   INSURED only) from due date + grace_days + 1 day.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace himaya::contributions {

enum class Payer { kInsured, kState };
// "INSURED" or "STATE".
absl::string_view PayerName(Payer payer);
// INSURED or STATE; nothing else.
std::optional<Payer> ParsePayer(absl::string_view name);

// One program's contribution.
struct ProgramRules {
  std::string program;
  Payer payer = Payer::kInsured;
  int rate_basis_points = 0;
  // By category; a program without categories has one flat income under "".
  std::map<std::string, int64_t> reference_income_centimes;
  int due_months_after_period = 1;
  int grace_days = 90;
};

class ContributionRules {
 public:
  // Parses and checks a rules file: every key known, each value in its range, every category of
  // the program (the suite's reference data) given an income and no other. INVALID_ARGUMENT
  // "contribution_rules: <key>: <why>".
  static absl::StatusOr<ContributionRules> Parse(absl::string_view text);
  // The shipped config/contribution_rules.json.
  static const ContributionRules& Shipped();
  // The file at `path`, or the shipped rules when `path` is empty. NOT_FOUND when unreadable.
  static absl::StatusOr<ContributionRules> Load(const std::string& path);

  // The rules of `program`; nullptr for a program without contributions.
  const ProgramRules* For(absl::string_view program) const;
  // The programs with contributions, in name order.
  std::vector<std::string> Programs() const;

 private:
  std::map<std::string, ProgramRules, std::less<>> programs_;
};

// The monthly amount of an insured of `category` (ignored for a flat program). NOT_FOUND when
// the program gives no income for that category.
absl::StatusOr<int64_t> MonthlyAmount(const ProgramRules& rules, absl::string_view category);
// The last day to pay `period`'s call.
absl::CivilDay DueDate(const ProgramRules& rules, absl::CivilMonth period);
// The first day without coverage when a call due on `due_date` stays unpaid.
absl::CivilDay SuspensionDay(const ProgramRules& rules, absl::CivilDay due_date);

// A period written YYYY-MM (years 2000 to 2999). INVALID_ARGUMENT "period: ..." otherwise.
absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view text);
std::string FormatPeriod(absl::CivilMonth period);
// A day written YYYY-MM-DD; nothing otherwise.
std::optional<absl::CivilDay> ParseDay(absl::string_view text);
std::string FormatDay(absl::CivilDay day);

}  // namespace himaya::contributions
