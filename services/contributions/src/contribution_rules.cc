#include "contributions/src/contribution_rules.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "contributions_contribution_rules_json.h"
#include "contributions_reference_json.h"
#include "core/programs.h"
#include "core/strict_json.h"
#include "nlohmann/json.hpp"

namespace himaya::contributions {
namespace {

constexpr int64_t kMaxIncomeCentimes = 100'000'000;  // 1 000 000 dirhams a month

absl::Status RulesError(absl::string_view key, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("contribution_rules: ", key, ": ", message));
}

// OK when `object` holds exactly the keys `required`.
absl::Status CheckKeys(const nlohmann::json& object, absl::string_view where,
                       const std::vector<absl::string_view>& required) {
  for (const auto& item : object.items()) {
    if (std::find(required.begin(), required.end(), item.key()) == required.end()) {
      return RulesError(absl::StrCat(where, core::QuotableKey(item.key())), "unknown key");
    }
  }
  for (absl::string_view key : required) {
    if (!object.contains(std::string(key))) return RulesError(absl::StrCat(where, key), "is missing");
  }
  return absl::OkStatus();
}

// The integer `value` (at `key`) within [min, max].
absl::StatusOr<int64_t> IntegerIn(const nlohmann::json& value, absl::string_view key, int64_t min, int64_t max) {
  const std::string range = absl::StrCat("must be an integer from ", min, " to ", max);
  if (!value.is_number_integer()) return RulesError(key, range);
  int64_t n = 0;
  if (value.is_number_unsigned()) {
    n = static_cast<int64_t>(std::min<uint64_t>(value.get<uint64_t>(), std::numeric_limits<int64_t>::max()));
  } else {
    n = value.get<int64_t>();
  }
  if (n < min || n > max) return RulesError(key, absl::StrCat(range, " (is ", n, ")"));
  return n;
}

// Each program's categories in the suite's reference data (registration's reference.json).
const std::map<std::string, std::set<std::string>, std::less<>>& ReferenceCategories() {
  static const auto* const categories = [] {
    auto* out = new std::map<std::string, std::set<std::string>, std::less<>>();
    const nlohmann::json json = nlohmann::json::parse(contributions_reference_json(), nullptr, false);
    if (json.is_discarded() || !json.contains("programs")) std::abort();  // shipped with the build
    for (const auto& [program, entry] : json.at("programs").items()) {
      std::set<std::string>& set = (*out)[program];
      for (const auto& c : entry.value("categories", nlohmann::json::array())) set.insert(c.get<std::string>());
    }
    return out;
  }();
  return *categories;
}

absl::Status ParseIncomes(const nlohmann::json& value, const std::string& where, const std::set<std::string>& expected,
                          ProgramRules& rules) {
  if (expected.empty()) {
    absl::StatusOr<int64_t> flat = IntegerIn(value, where, 1, kMaxIncomeCentimes);
    if (!flat.ok())
      return RulesError(where, absl::StrCat("must be one amount in centimes from 1 to ", kMaxIncomeCentimes,
                                            " (the program has no categories)"));
    rules.reference_income_centimes[""] = *flat;
    return absl::OkStatus();
  }
  if (!value.is_object())
    return RulesError(where, "must be an object {category: centimes} (the program has categories)");
  for (const auto& [category, income] : value.items()) {
    if (expected.count(category) == 0) {
      return RulesError(absl::StrCat(where, ".", core::QuotableKey(category)), "not a category of the program");
    }
    absl::StatusOr<int64_t> n = IntegerIn(income, absl::StrCat(where, ".", category), 1, kMaxIncomeCentimes);
    if (!n.ok()) return n.status();
    rules.reference_income_centimes[category] = *n;
  }
  for (const std::string& category : expected) {
    if (rules.reference_income_centimes.count(category) == 0) {
      return RulesError(absl::StrCat(where, ".", category), "is missing (every category of the program needs one)");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ProgramRules> ParseProgram(const std::string& program, const nlohmann::json& entry) {
  const std::string where = absl::StrCat("programs.", core::QuotableKey(program));
  const auto& reference = ReferenceCategories();
  const auto known = reference.find(program);
  if (!core::IsKnownProgram(program) || known == reference.end()) {
    return RulesError(where, "not one of the suite's programs (amo-tns, amo-tadamon, ...)");
  }
  if (!entry.is_object()) return RulesError(where, "must be an object");
  if (absl::Status s = CheckKeys(
          entry, where + ".",
          {"payer", "rate_basis_points", "reference_income_centimes", "due_months_after_period", "grace_days"});
      !s.ok()) {
    return s;
  }
  ProgramRules rules;
  rules.program = program;
  const nlohmann::json& payer = entry.at("payer");
  std::optional<Payer> parsed_payer = payer.is_string() ? ParsePayer(payer.get<std::string>()) : std::nullopt;
  if (!parsed_payer) return RulesError(where + ".payer", "must be \"INSURED\" or \"STATE\"");
  rules.payer = *parsed_payer;
  absl::StatusOr<int64_t> n = IntegerIn(entry.at("rate_basis_points"), where + ".rate_basis_points", 1, 10000);
  if (!n.ok()) return n.status();
  rules.rate_basis_points = static_cast<int>(*n);
  n = IntegerIn(entry.at("due_months_after_period"), where + ".due_months_after_period", 0, 12);
  if (!n.ok()) return n.status();
  rules.due_months_after_period = static_cast<int>(*n);
  n = IntegerIn(entry.at("grace_days"), where + ".grace_days", 0, 3650);
  if (!n.ok()) return n.status();
  rules.grace_days = static_cast<int>(*n);
  if (absl::Status s = ParseIncomes(entry.at("reference_income_centimes"), where + ".reference_income_centimes",
                                    known->second, rules);
      !s.ok()) {
    return s;
  }
  return rules;
}

}  // namespace

absl::string_view PayerName(Payer payer) { return payer == Payer::kState ? "STATE" : "INSURED"; }

std::optional<Payer> ParsePayer(absl::string_view name) {
  if (name == "INSURED") return Payer::kInsured;
  if (name == "STATE") return Payer::kState;
  return std::nullopt;
}

absl::StatusOr<ContributionRules> ContributionRules::Parse(absl::string_view text) {
  const core::StrictJson parsed = core::ParseStrictJson(text);
  const nlohmann::json& json = parsed.json;
  if (json.is_discarded() || !json.is_object()) return RulesError("file", "not a JSON object");
  if (parsed.repeated) return RulesError(core::QuotableKey(*parsed.repeated), "appears more than once");
  if (absl::Status s = CheckKeys(json, "", {"programs"}); !s.ok()) return s;
  const nlohmann::json& programs = json.at("programs");
  if (!programs.is_object() || programs.empty()) {
    return RulesError("programs", "must be an object with at least one program");
  }
  ContributionRules rules;
  for (const auto& [program, entry] : programs.items()) {
    absl::StatusOr<ProgramRules> one = ParseProgram(program, entry);
    if (!one.ok()) return one.status();
    rules.programs_.emplace(program, *std::move(one));
  }
  return rules;
}

const ContributionRules& ContributionRules::Shipped() {
  static const ContributionRules* const rules = [] {
    auto parsed = Parse(contributions_contribution_rules_json());
    if (!parsed.ok()) std::abort();  // the shipped file is checked by the tests
    return new ContributionRules(*std::move(parsed));
  }();
  return *rules;
}

absl::StatusOr<ContributionRules> ContributionRules::Load(const std::string& path) {
  if (path.empty()) return Shipped();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("contribution_rules: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

const ProgramRules* ContributionRules::For(absl::string_view program) const {
  auto it = programs_.find(program);
  return it == programs_.end() ? nullptr : &it->second;
}

std::vector<std::string> ContributionRules::Programs() const {
  std::vector<std::string> out;
  for (const auto& [program, rules] : programs_) out.push_back(program);
  return out;
}

absl::StatusOr<int64_t> MonthlyAmount(const ProgramRules& rules, absl::string_view category) {
  auto it = rules.reference_income_centimes.find("");
  if (it == rules.reference_income_centimes.end()) it = rules.reference_income_centimes.find(std::string(category));
  if (it == rules.reference_income_centimes.end()) {
    return absl::NotFoundError(absl::StrCat("category: ", rules.program, " has no reference income for this category"));
  }
  return it->second * rules.rate_basis_points / 10000;
}

absl::CivilDay DueDate(const ProgramRules& rules, absl::CivilMonth period) {
  const absl::CivilMonth due_month = period + rules.due_months_after_period;
  return absl::CivilDay(due_month + 1) - 1;
}

absl::CivilDay SuspensionDay(const ProgramRules& rules, absl::CivilDay due_date) {
  return due_date + rules.grace_days + 1;
}

absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view text) {
  absl::CivilMonth month;
  const bool shaped = text.size() == 7 && text[4] == '-' &&
                      std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isdigit(c) || c == '-'; });
  if (!shaped || !absl::ParseCivilTime(text, &month) || month.year() < 2000 || month.year() > 2999) {
    return absl::InvalidArgumentError("period: must be a month written YYYY-MM (2000-01 to 2999-12)");
  }
  return month;
}

std::string FormatPeriod(absl::CivilMonth period) { return absl::FormatCivilTime(period); }

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  if (FormatDay(day) != text) return std::nullopt;  // 2026-02-30 is not normalised into March
  return day;
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace himaya::contributions
