#include "beneficiary/src/allowance_rules.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "beneficiary_allowance_rules_json.h"
#include "core/strict_json.h"
#include "nlohmann/json.hpp"

namespace himaya::beneficiary {
namespace {

constexpr absl::string_view kStartMonth = "start_month";
constexpr absl::string_view kChildAgeLimit = "child_age_limit";
constexpr absl::string_view kApprenticeAgeLimit = "apprentice_age_limit";
constexpr absl::string_view kStudentAgeLimit = "student_age_limit";
constexpr absl::string_view kDisabledChildWithoutAgeLimit = "disabled_child_without_age_limit";
constexpr absl::string_view kAmountsByRank = "amounts_by_rank_centimes";
constexpr absl::string_view kBackPayMonths = "back_pay_months";

constexpr size_t kMaxRanks = 20;
constexpr int64_t kMaxAmountCentimes = 10'000'000;

absl::Status ConfigError(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("allowance_rules: ", message));
}

// `value` as an integer within [min, max]; `what` names it in the error.
absl::StatusOr<int64_t> Bounded(const nlohmann::json& value, absl::string_view what, int64_t min, int64_t max) {
  const std::string expected = absl::StrCat(what, " must be an integer from ", min, " to ", max);
  if (!value.is_number_integer()) return ConfigError(expected);
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(max)) {
    return ConfigError(absl::StrCat(expected, " (is ", value.get<uint64_t>(), ")"));
  }
  const int64_t n = value.is_number_unsigned() ? static_cast<int64_t>(value.get<uint64_t>()) : value.get<int64_t>();
  if (n < min || n > max) return ConfigError(absl::StrCat(expected, " (is ", n, ")"));
  return n;
}

bool Covers(const std::vector<CoveragePeriod>& periods, absl::CivilDay day) {
  return std::any_of(periods.begin(), periods.end(),
                     [&](const CoveragePeriod& p) { return p.start <= day && (!p.end || day <= *p.end); });
}

}  // namespace

absl::StatusOr<AllowanceRules> AllowanceRules::Parse(absl::string_view text) {
  const core::StrictJson parsed = core::ParseStrictJson(text);
  const nlohmann::json& json = parsed.json;
  if (json.is_discarded() || !json.is_object()) return ConfigError("not a JSON object");
  if (parsed.repeated) return ConfigError(absl::StrCat(core::QuotableKey(*parsed.repeated), " appears more than once"));
  const std::set<absl::string_view> known = {kStartMonth,      kChildAgeLimit, kApprenticeAgeLimit,
                                             kStudentAgeLimit, kAmountsByRank, kDisabledChildWithoutAgeLimit,
                                             kBackPayMonths};
  for (const auto& item : json.items()) {
    if (!known.count(item.key())) return ConfigError(absl::StrCat("unknown key ", core::QuotableKey(item.key())));
  }
  for (absl::string_view key : known) {
    if (!json.contains(std::string(key))) return ConfigError(absl::StrCat(key, " is missing"));
  }
  auto at = [&](absl::string_view key) -> const nlohmann::json& { return json.at(std::string(key)); };
  AllowanceRules rules;
  const nlohmann::json& start = at(kStartMonth);
  std::optional<absl::CivilMonth> start_month = start.is_string() ? ParseMonth(start.get<std::string>()) : std::nullopt;
  if (!start_month || *start_month < absl::CivilMonth(2000, 1)) {
    return ConfigError(absl::StrCat(kStartMonth, " must be a month written YYYY-MM, from 2000-01"));
  }
  rules.start_month_ = *start_month;
  auto child = Bounded(at(kChildAgeLimit), kChildAgeLimit, 1, 30);
  if (!child.ok()) return child.status();
  rules.child_age_limit_ = static_cast<int>(*child);
  auto apprentice = Bounded(at(kApprenticeAgeLimit), kApprenticeAgeLimit, *child, 30);
  if (!apprentice.ok()) return apprentice.status();
  rules.apprentice_age_limit_ = static_cast<int>(*apprentice);
  auto student = Bounded(at(kStudentAgeLimit), kStudentAgeLimit, *child, 30);
  if (!student.ok()) return student.status();
  rules.student_age_limit_ = static_cast<int>(*student);
  const nlohmann::json& disabled = at(kDisabledChildWithoutAgeLimit);
  if (!disabled.is_boolean()) return ConfigError(absl::StrCat(kDisabledChildWithoutAgeLimit, " must be true or false"));
  rules.disabled_child_without_age_limit_ = disabled.get<bool>();
  const nlohmann::json& amounts = at(kAmountsByRank);
  if (!amounts.is_array() || amounts.empty() || amounts.size() > kMaxRanks) {
    return ConfigError(absl::StrCat(kAmountsByRank, " must be a list of 1 to ", kMaxRanks, " amounts"));
  }
  for (size_t i = 0; i < amounts.size(); ++i) {
    auto amount = Bounded(amounts[i], absl::StrCat(kAmountsByRank, "[", i, "]"), 0, kMaxAmountCentimes);
    if (!amount.ok()) return amount.status();
    rules.amounts_by_rank_centimes_.push_back(*amount);
  }
  auto back_pay = Bounded(at(kBackPayMonths), kBackPayMonths, 0, 120);
  if (!back_pay.ok()) return back_pay.status();
  rules.back_pay_months_ = static_cast<int>(*back_pay);
  return rules;
}

const AllowanceRules& AllowanceRules::Shipped() {
  static const AllowanceRules* const rules = [] {
    auto parsed = Parse(beneficiary_allowance_rules_json());
    if (!parsed.ok()) std::abort();  // the shipped file is checked by the tests
    return new AllowanceRules(*std::move(parsed));
  }();
  return *rules;
}

absl::StatusOr<AllowanceRules> AllowanceRules::Load(const std::string& path) {
  if (path.empty()) return Shipped();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("allowance_rules: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

int64_t AllowanceRules::AmountOfRank(int rank) const {
  if (rank < 1 || static_cast<size_t>(rank) > amounts_by_rank_centimes_.size()) return 0;
  return amounts_by_rank_centimes_[rank - 1];
}

absl::string_view AllowanceReasonName(AllowanceReason reason) {
  switch (reason) {
    case AllowanceReason::kNone:
      return "";
    case AllowanceReason::kInsuredNotCovered:
      return "INSURED_NOT_COVERED";
    case AllowanceReason::kContributionsUnpaid:
      return "CONTRIBUTIONS_UNPAID";
    case AllowanceReason::kDetailsPending:
      return "DETAILS_PENDING";
    case AllowanceReason::kNoChildWithRight:
      return "NO_CHILD_WITH_RIGHT";
    case AllowanceReason::kRecoveredInFull:
      return "RECOVERED_IN_FULL";
    case AllowanceReason::kPaidAlready:
      return "PAID_ALREADY";
    case AllowanceReason::kNoPaymentMode:
      return "NO_PAYMENT_MODE";
    case AllowanceReason::kPaymentFailed:
      return "PAYMENT_FAILED";
  }
  return "UNKNOWN";
}

namespace {

// Why an insured is not covered on `day`: CONTRIBUTIONS_UNPAID when the last period before it
// ended for unpaid contributions.
AllowanceReason NotCoveredReason(const std::vector<CoveragePeriod>& periods, absl::CivilDay day) {
  const CoveragePeriod* before = nullptr;
  for (const CoveragePeriod& p : periods) {
    if (p.end && *p.end < day && (!before || *p.end > *before->end)) before = &p;
  }
  return before && before->end_reason == ReasonCode::kContributionsUnpaid ? AllowanceReason::kContributionsUnpaid
                                                                          : AllowanceReason::kInsuredNotCovered;
}

}  // namespace

absl::CivilDay FirstDayOf(absl::CivilMonth month) { return absl::CivilDay(month); }

bool GivesRight(const AllowanceRules& rules, const AllowanceChild& child, absl::CivilMonth month) {
  const absl::CivilDay first = FirstDayOf(month);
  if (!Covers(child.periods, first)) return false;
  if (child.disabled && rules.disabled_child_without_age_limit()) return true;
  int limit = rules.child_age_limit();
  if (child.apprenticeship_until && *child.apprenticeship_until >= first) {
    limit = std::max(limit, rules.apprentice_age_limit());
  }
  if (child.studying_until && *child.studying_until >= first) limit = std::max(limit, rules.student_age_limit());
  return AgeOn(child.birth_date, first) < limit;
}

MonthDue DueFor(const AllowanceRules& rules, const AllowanceHousehold& household, absl::CivilMonth month) {
  MonthDue due;
  if (!Covers(household.insured_periods, FirstDayOf(month))) return due;
  std::vector<const AllowanceChild*> with_right;
  for (const AllowanceChild& child : household.children) {
    if (GivesRight(rules, child, month)) with_right.push_back(&child);
  }
  std::sort(with_right.begin(), with_right.end(), [](const AllowanceChild* a, const AllowanceChild* b) {
    return std::tie(a->birth_date, a->beneficiary_id) < std::tie(b->birth_date, b->beneficiary_id);
  });
  due.children_with_right = static_cast<int>(with_right.size());
  for (int rank = 1; rank <= due.children_with_right; ++rank) due.amount_centimes += rules.AmountOfRank(rank);
  return due;
}

AllowanceDecision DecideAllowance(const AllowanceRules& rules, const AllowanceHousehold& household,
                                  absl::CivilMonth month) {
  AllowanceDecision decision;
  const MonthDue now = DueFor(rules, household, month);
  auto credited = [&](absl::CivilMonth m) {
    const auto at = household.credited.find(m);
    return at == household.credited.end() ? int64_t{0} : at->second;
  };
  decision.children_with_right = now.children_with_right;
  // What the month's own run may find credited already is not paid again.
  decision.amount_centimes = std::max<int64_t>(0, now.amount_centimes - credited(month));
  for (absl::CivilMonth m = std::max(rules.start_month(), month - rules.back_pay_months()); m < month; ++m) {
    const int64_t owed = DueFor(rules, household, m).amount_centimes - credited(m);
    if (owed <= 0) continue;
    decision.arrears_by_month.emplace_back(m, owed);
    decision.arrears_centimes += owed;
  }
  int64_t debt = -household.recovered;
  for (const auto& [m, paid] : household.credited) {
    if (m >= month) break;
    debt += std::max<int64_t>(0, paid - DueFor(rules, household, m).amount_centimes);
  }
  const int64_t payable = decision.amount_centimes + decision.arrears_centimes;
  decision.recovery_centimes = std::clamp<int64_t>(debt, 0, payable);
  if (decision.net_centimes() > 0) return decision;
  if (payable > 0) {
    decision.reason = AllowanceReason::kRecoveredInFull;
  } else if (!Covers(household.insured_periods, FirstDayOf(month))) {
    decision.reason = NotCoveredReason(household.insured_periods, FirstDayOf(month));
  } else if (now.amount_centimes > 0) {
    decision.reason = AllowanceReason::kPaidAlready;
  } else if (decision.children_with_right == 0 && household.children_pending > 0) {
    decision.reason = AllowanceReason::kDetailsPending;
  } else {
    decision.reason = AllowanceReason::kNoChildWithRight;
  }
  return decision;
}

std::string FormatMonth(absl::CivilMonth month) { return absl::FormatCivilTime(month); }

std::optional<absl::CivilMonth> ParseMonth(absl::string_view text) {
  absl::CivilMonth month;
  if (text.size() != 7 || !absl::ParseCivilTime(text, &month) || absl::FormatCivilTime(month) != text) {
    return std::nullopt;
  }
  return month;
}

}  // namespace himaya::beneficiary
