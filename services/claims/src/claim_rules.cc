#include "claims/src/claim_rules.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "claims_claim_rules_json.h"
#include "claims_file/claim_row.h"
#include "claims_file/dirhams.h"
#include "claims_file/tariff_csv.h"
#include "core/programs.h"
#include "core/strict_json.h"
#include "nlohmann/json.hpp"

namespace himaya::claims {
namespace {

constexpr int kDefaultOrdinaryRate = 70;
constexpr int kDefaultAldRate = 90;

constexpr absl::string_view kFilingDelayDays = "filing_delay_days";
constexpr absl::string_view kDueDays = "due_days";
constexpr absl::string_view kEscalateAfterDays = "escalate_after_days";
constexpr absl::string_view kReviewThreshold = "review_threshold";
constexpr absl::string_view kSamplePercent = "sample_percent";
constexpr absl::string_view kSampleSeed = "sample_seed";
constexpr absl::string_view kRates = "rates";

absl::Status RulesError(absl::string_view key, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("claim_rules: ", key, ": ", message));
}

// OK when `object` holds exactly the keys `required`, and maybe those of `optional`.
absl::Status CheckKeys(const nlohmann::json& object, absl::string_view where,
                       const std::vector<absl::string_view>& required,
                       const std::vector<absl::string_view>& optional = {}) {
  for (const auto& item : object.items()) {
    const bool known = std::find(required.begin(), required.end(), item.key()) != required.end() ||
                       std::find(optional.begin(), optional.end(), item.key()) != optional.end();
    if (!known) return RulesError(absl::StrCat(where, core::QuotableKey(item.key())), "unknown key");
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

// Hundredths written as a string with at most two decimals ("2.5" -> 250), or as an integer
// when `integer_allowed` (2 -> 200), within [0, max].
absl::StatusOr<int64_t> HundredthsIn(const nlohmann::json& value, absl::string_view key, bool integer_allowed,
                                     int64_t max, absl::string_view example) {
  const std::string form =
      absl::StrCat("must be a string with at most two decimals (\"", example, "\")",
                   integer_allowed ? " or an integer" : "", ", from 0 to ", claims_file::FormatDirhams(max));
  absl::StatusOr<int64_t> hundredths = absl::InvalidArgumentError("");
  if (value.is_string()) {
    hundredths = claims_file::ParseDirhams(value.get<std::string>());
  } else if (integer_allowed && value.is_number_integer()) {
    absl::StatusOr<int64_t> n = IntegerIn(value, key, 0, max / 100);
    if (!n.ok()) return RulesError(key, form);
    hundredths = *n * 100;
  }
  if (!hundredths.ok() || *hundredths > max) return RulesError(key, form);
  return *hundredths;
}

// FNV-1a over 64 bits.
uint64_t Fnv1a(uint64_t hash, absl::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// SplitMix64's finaliser: every bit of the input moves every bit of the output.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccepted:
      return "ACCEPTED";
    case Outcome::kPartial:
      return "PARTIAL";
    case Outcome::kRejected:
      return "REJECTED";
  }
  return "UNKNOWN";
}

bool AldValidOn(absl::CivilDay valid_from, absl::CivilDay valid_until, absl::CivilDay care_date) {
  return valid_from <= care_date && care_date <= valid_until;
}

absl::StatusOr<ClaimRules> ClaimRules::Parse(absl::string_view text) {
  const core::StrictJson parsed = core::ParseStrictJson(text);
  const nlohmann::json& json = parsed.json;
  if (json.is_discarded() || !json.is_object()) return RulesError("file", "not a JSON object");
  if (parsed.repeated) return RulesError(core::QuotableKey(*parsed.repeated), "appears more than once");
  if (absl::Status s = CheckKeys(
          json, "",
          {kFilingDelayDays, kDueDays, kEscalateAfterDays, kReviewThreshold, kSamplePercent, kSampleSeed, kRates});
      !s.ok()) {
    return s;
  }
  ClaimRules rules;
  absl::StatusOr<int64_t> n = IntegerIn(json.at(std::string(kFilingDelayDays)), kFilingDelayDays, 1, 3650);
  if (!n.ok()) return n.status();
  rules.filing_delay_days_ = static_cast<int>(*n);
  n = IntegerIn(json.at(std::string(kDueDays)), kDueDays, 1, 365);
  if (!n.ok()) return n.status();
  rules.due_days_ = static_cast<int>(*n);
  n = IntegerIn(json.at(std::string(kEscalateAfterDays)), kEscalateAfterDays, 1, 365);
  if (!n.ok()) return n.status();
  rules.escalate_after_days_ = static_cast<int>(*n);
  n = HundredthsIn(json.at(std::string(kReviewThreshold)), kReviewThreshold, /*integer_allowed=*/false,
                   claims_file::kMaxDirhamsCentimes, "5000.00");
  if (!n.ok()) return n.status();
  rules.review_threshold_centimes_ = *n;
  n = HundredthsIn(json.at(std::string(kSamplePercent)), kSamplePercent, /*integer_allowed=*/true, 10000, "2.5");
  if (!n.ok()) return n.status();
  rules.sample_basis_points_ = static_cast<int>(*n);
  const nlohmann::json& seed = json.at(std::string(kSampleSeed));
  if (!seed.is_number_integer() || (!seed.is_number_unsigned() && seed.get<int64_t>() < 0)) {
    return RulesError(kSampleSeed, "must be an integer from 0 to 18446744073709551615");
  }
  rules.sample_seed_ = seed.get<uint64_t>();

  const nlohmann::json& rates = json.at(std::string(kRates));
  if (!rates.is_array()) return RulesError(kRates, "must be a list of {program?, category?, ordinary, ald}");
  for (size_t i = 0; i < rates.size(); ++i) {
    const std::string where = absl::StrCat("rates[", i, "]");
    const nlohmann::json& entry = rates[i];
    if (!entry.is_object()) return RulesError(where, "must be an object {program?, category?, ordinary, ald}");
    if (absl::Status s = CheckKeys(entry, where + ".", {"ordinary", "ald"}, {"program", "category"}); !s.ok()) {
      return s;
    }
    Rate rate;
    if (entry.contains("program")) {
      const nlohmann::json& program = entry.at("program");
      if (!program.is_string() || !core::IsKnownProgram(program.get<std::string>())) {
        return RulesError(where + ".program", "must be one of the suite's programs (amo-tns, amo-tadamon, ...)");
      }
      rate.program = program.get<std::string>();
    }
    if (entry.contains("category")) {
      const nlohmann::json& category = entry.at("category");
      if (!category.is_string() || !claims_file::IsCareCategory(category.get<std::string>())) {
        return RulesError(where + ".category", "must be a care category: 1 to 32 of A-Z and _");
      }
      rate.category = category.get<std::string>();
    }
    n = IntegerIn(entry.at("ordinary"), where + ".ordinary", 0, 100);
    if (!n.ok()) return n.status();
    rate.ordinary = static_cast<int>(*n);
    n = IntegerIn(entry.at("ald"), where + ".ald", rate.ordinary, 100);
    if (!n.ok()) return n.status();
    rate.ald = static_cast<int>(*n);
    for (size_t j = 0; j < rules.rates_.size(); ++j) {
      if (rules.rates_[j].program == rate.program && rules.rates_[j].category == rate.category) {
        return RulesError(where, absl::StrCat("same program and category as rates[", j, "]"));
      }
    }
    rules.rates_.push_back(std::move(rate));
  }
  return rules;
}

const ClaimRules& ClaimRules::Shipped() {
  static const ClaimRules* const rules = [] {
    auto parsed = Parse(claims_claim_rules_json());
    if (!parsed.ok()) std::abort();  // the shipped file is checked by the tests
    return new ClaimRules(*std::move(parsed));
  }();
  return *rules;
}

absl::StatusOr<ClaimRules> ClaimRules::Load(const std::string& path) {
  if (path.empty()) return Shipped();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("claim_rules: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

int ClaimRules::RatePercent(absl::string_view program, absl::string_view category, bool ald) const {
  const Rate* best = nullptr;
  int best_rank = -1;
  for (const Rate& rate : rates_) {
    if (!rate.program.empty() && rate.program != program) continue;
    if (!rate.category.empty() && rate.category != category) continue;
    const int rank = (rate.program.empty() ? 0 : 2) + (rate.category.empty() ? 0 : 1);
    if (rank > best_rank) {
      best = &rate;
      best_rank = rank;
    }
  }
  if (!best) return ald ? kDefaultAldRate : kDefaultOrdinaryRate;
  return ald ? best->ald : best->ordinary;
}

bool ClaimRules::Sampled(absl::string_view claim_id) const {
  char seed[8];
  for (int i = 0; i < 8; ++i) seed[i] = static_cast<char>(sample_seed_ >> (8 * i));
  const uint64_t hash = Mix(Fnv1a(Fnv1a(0xcbf29ce484222325ULL, absl::string_view(seed, 8)), claim_id));
  return static_cast<int>(hash % 10000) < sample_basis_points_;
}

namespace {

ItemDecision Reject(const FiledItem& item, absl::string_view reason, absl::string_view detail) {
  ItemDecision decision;
  decision.item = item.item;
  decision.reason = std::string(reason);
  decision.reason_detail = std::string(detail);
  return decision;
}

}  // namespace

FileDecision ClaimRules::Decide(const std::string& claim_id, const std::string& registration_number,
                                absl::CivilDay filed_date, const std::string& program,
                                const std::vector<FiledItem>& items, const std::vector<ItemFacts>& facts) const {
  FileDecision file;
  std::vector<const FiledItem*> accepted;  // earlier accepted items of this file
  const ItemFacts no_facts;
  for (size_t i = 0; i < items.size(); ++i) {
    const FiledItem& item = items[i];
    const ItemFacts& fact = i < facts.size() ? facts[i] : no_facts;
    file.claimed_centimes += std::clamp<int64_t>(item.amount_paid_centimes, 0, claims_file::kMaxDirhamsCentimes);
    ItemDecision decision = [&] {
      if (!item.invalid_field.empty()) return Reject(item, kInvalidRow, item.invalid_field);
      // What ReadClaimRow and CheckFiledItem hold already; kept here so that no amount overflows.
      if (item.quantity < 1 || item.quantity > claims_file::kMaxQuantity) return Reject(item, kInvalidRow, "quantity");
      if (item.amount_paid_centimes <= 0 || item.amount_paid_centimes > claims_file::kMaxDirhamsCentimes) {
        return Reject(item, kInvalidRow, "amount_paid");
      }
      if (!fact.covered) return Reject(item, kNotCovered, fact.not_covered_reason);
      if (fact.covered_through != registration_number) return Reject(item, kNotCovered, kNotInFamily);
      if (!fact.act_known && !fact.act) return Reject(item, kUnknownAct, "");
      if (!fact.act) return Reject(item, kActNotInTariff, "");
      const TariffAct& act = *fact.act;
      // The units of this act accepted for this beneficiary on this day, earlier in the file.
      int same_day = 0;
      for (const FiledItem* earlier : accepted) {
        if (earlier->beneficiary_id == item.beneficiary_id && earlier->act_code == item.act_code &&
            earlier->care_date == item.care_date) {
          same_day += earlier->quantity;
        }
      }
      ItemDecision rejected;
      if (filed_date - item.care_date > filing_delay_days_) {
        rejected = Reject(item, kFiledTooLate, "");
      } else if (!fact.duplicate_of.empty()) {
        rejected = Reject(item, kDuplicate, fact.duplicate_of);
      } else if (same_day > 0 && same_day >= act.max_quantity) {
        rejected = Reject(item, kDuplicate, claim_id);
      } else if (same_day + item.quantity > act.max_quantity) {
        rejected = Reject(item, kQuantityOverMaximum, "");
      } else if (act.min_days_between > 0) {
        const auto too_soon = [&](absl::CivilDay earlier) {
          const int64_t apart = item.care_date - earlier;
          return (apart < 0 ? -apart : apart) < act.min_days_between;
        };
        if (fact.previous_care_date && too_soon(*fact.previous_care_date)) {
          rejected = Reject(item, kRepeatedTooSoon, fact.previous_claim_id);
        } else if (std::any_of(accepted.begin(), accepted.end(), [&](const FiledItem* earlier) {
                     return earlier->beneficiary_id == item.beneficiary_id && earlier->act_code == item.act_code &&
                            too_soon(earlier->care_date);
                   })) {
          rejected = Reject(item, kRepeatedTooSoon, claim_id);
        }
      }
      if (!rejected.reason.empty()) return rejected;
      ItemDecision decision;
      decision.item = item.item;
      decision.accepted = true;
      decision.tnr_centimes = act.tnr_centimes;
      decision.rate_percent = RatePercent(program, act.category, fact.ald_valid && !item.ald_certificate.empty());
      // min(amount_paid, tnr × quantity) without forming a product past amount_paid (<= 10^12).
      const int64_t base = act.tnr_centimes > item.amount_paid_centimes / item.quantity
                               ? item.amount_paid_centimes
                               : act.tnr_centimes * item.quantity;
      decision.reimbursed_centimes = base * decision.rate_percent / 100;
      return decision;
    }();
    if (!decision.accepted && fact.act) decision.tnr_centimes = fact.act->tnr_centimes;
    if (decision.accepted) {
      accepted.push_back(&item);
      file.reimbursed_centimes += decision.reimbursed_centimes;
    }
    file.items.push_back(std::move(decision));
  }
  if (accepted.empty()) {
    file.outcome = Outcome::kRejected;
  } else {
    file.outcome = accepted.size() == items.size() ? Outcome::kAccepted : Outcome::kPartial;
  }
  if (file.reimbursed_centimes > review_threshold_centimes_) {
    file.review_reason = kAmountOverThreshold;
  } else if (!accepted.empty() && Sampled(claim_id)) {
    file.review_reason = kSampled;
  }
  return file;
}

}  // namespace himaya::claims
