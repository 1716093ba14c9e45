// Family allowances' rules (program family-allowances), kept as configuration
// (config/allowance_rules.json, or a deployment's own file), and the pure decision taken with
// them for one household and one month: how many children give a right, the month's amount by
// their ranks, the arrears of earlier months owed more than was credited, and the recovery of
// months credited more than was owed. No clock, no storage, no proto: the month is a parameter
// and the household's facts (its children, the insured's coverage, its ledger) are given.
//
// Conventions (the tests hold them):
// - A child gives a right for month M when one of its coverage periods covers the first day of
//   M, the insured is covered that day, and on that day the child is younger than its limit:
//   child_age_limit (12), apprentice_age_limit (18) while apprenticeship_until is that day or
//   later, student_age_limit (21) while studying_until is, none when disabled (when the rules
//   say so). Ages as family_rules.h counts them (AgeOn): a child whose 12th birthday falls inside
//   M still gives a right for M, one whose birthday is the 1st does not.
// - Ranks among the children giving a right that month, oldest first (ties by beneficiary id);
//   the amount of rank r is amounts_by_rank_centimes[r-1], nothing beyond the list.
// - Arrears: each month P from the later of start_month and M - back_pay_months up to M - 1
//   owed more than was credited for it gives the difference. Debt: each month before M credited
//   more than it owes now gives the difference, less what was recovered already; the recovery
//   takes it from the month's amount and arrears, never below zero, the rest waits for later.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "beneficiary/src/family_rules.h"

namespace himaya::beneficiary {

// The program family allowances are paid for.
inline constexpr char kFamilyAllowancesProgram[] = "family-allowances";

// The rules one deployment applies. Immutable; built once at start.
class AllowanceRules {
 public:
  // Strict: a JSON object holding exactly start_month ("YYYY-MM", from 2000-01), child_age_limit
  // (1-30), apprentice_age_limit and student_age_limit (each from child_age_limit to 30),
  // disabled_child_without_age_limit (a boolean), amounts_by_rank_centimes (1 to 20 integers from
  // 0 to 10,000,000) and back_pay_months (0-120). INVALID_ARGUMENT naming the key for a missing,
  // unknown or repeated key, a wrong type or a value out of its range; for text that is not a
  // JSON object.
  static absl::StatusOr<AllowanceRules> Parse(absl::string_view json);
  // The rules shipped with the service (config/allowance_rules.json, embedded at build time).
  static const AllowanceRules& Shipped();
  // The rules of the file at `path`, the shipped ones when `path` is empty. NOT_FOUND when the
  // file cannot be read; Parse's errors otherwise.
  static absl::StatusOr<AllowanceRules> Load(const std::string& path);

  absl::CivilMonth start_month() const { return start_month_; }
  int child_age_limit() const { return child_age_limit_; }
  int apprentice_age_limit() const { return apprentice_age_limit_; }
  int student_age_limit() const { return student_age_limit_; }
  bool disabled_child_without_age_limit() const { return disabled_child_without_age_limit_; }
  const std::vector<int64_t>& amounts_by_rank_centimes() const { return amounts_by_rank_centimes_; }
  int back_pay_months() const { return back_pay_months_; }
  // The amount of the child of rank `rank` (from 1); 0 beyond the list.
  int64_t AmountOfRank(int rank) const;

 private:
  AllowanceRules() = default;

  absl::CivilMonth start_month_;
  int child_age_limit_ = 0;
  int apprentice_age_limit_ = 0;
  int student_age_limit_ = 0;
  bool disabled_child_without_age_limit_ = false;
  std::vector<int64_t> amounts_by_rank_centimes_;
  int back_pay_months_ = 0;
};

// A child as the rules read it. No name, no CIN.
struct AllowanceChild {
  std::string beneficiary_id;
  absl::CivilDay birth_date;
  bool disabled = false;
  std::optional<absl::CivilDay> studying_until;
  std::optional<absl::CivilDay> apprenticeship_until;
  std::vector<CoveragePeriod> periods;  // the child's own, in any order
};

// A household of the program: its insured's coverage, its children with known details, and its
// ledger (what confirmed payments credited).
struct AllowanceHousehold {
  std::string registration_number;
  // The insured's periods of coverage (none while the insured is not registered; one ended
  // CONTRIBUTIONS_UNPAID when a suspension for unpaid contributions follows it).
  std::vector<CoveragePeriod> insured_periods;
  std::vector<AllowanceChild> children;
  // Children whose details registration has not told yet (they give no right until then).
  int children_pending = 0;
  // Credited per month, by confirmed payments.
  std::map<absl::CivilMonth, int64_t> credited;
  // Recovered in all from earlier payments.
  int64_t recovered = 0;
};

// Why a household gets nothing for a month (kNone when it gets an amount).
enum class AllowanceReason {
  kNone,
  kInsuredNotCovered,    // the insured is not covered on the 1st of the month, and nothing is owed before
  kContributionsUnpaid,  // the same, the insured's coverage being suspended for unpaid contributions
  kDetailsPending,       // no child gives a right, and some wait for their details
  kNoChildWithRight,     // no child gives a right this month, and nothing is owed before
  kRecoveredInFull,      // what was due went whole to recovering earlier overpayments
  kPaidAlready,          // the month was credited in full already, and nothing is owed before
  kNoPaymentMode,        // (the run's) the insured chose no payment mode: no line, the month stays owed
  kPaymentFailed,        // (the run's) the bank did not pay the line: the month stays owed
};
// "NO_CHILD_WITH_RIGHT", ...; "" for kNone.
absl::string_view AllowanceReasonName(AllowanceReason reason);

// The first day of `month`.
absl::CivilDay FirstDayOf(absl::CivilMonth month);

// Whether `child` gives a right for `month` (the insured covered on its first day aside).
bool GivesRight(const AllowanceRules& rules, const AllowanceChild& child, absl::CivilMonth month);

// What a household is owed for one month, today's data.
struct MonthDue {
  int children_with_right = 0;
  int64_t amount_centimes = 0;
};
MonthDue DueFor(const AllowanceRules& rules, const AllowanceHousehold& household, absl::CivilMonth month);

// The decision for a household and the month paid.
struct AllowanceDecision {
  int children_with_right = 0;
  int64_t amount_centimes = 0;
  int64_t arrears_centimes = 0;
  int64_t recovery_centimes = 0;
  // The arrears by the month they are for, oldest first (the ledger credits them there).
  std::vector<std::pair<absl::CivilMonth, int64_t>> arrears_by_month;
  AllowanceReason reason = AllowanceReason::kNone;
  // amount + arrears - recovery, never below zero.
  int64_t net_centimes() const { return amount_centimes + arrears_centimes - recovery_centimes; }
};
AllowanceDecision DecideAllowance(const AllowanceRules& rules, const AllowanceHousehold& household,
                                  absl::CivilMonth month);

// "YYYY-MM".
std::string FormatMonth(absl::CivilMonth month);
// A real YYYY-MM month; nothing otherwise.
std::optional<absl::CivilMonth> ParseMonth(absl::string_view text);

}  // namespace himaya::beneficiary
