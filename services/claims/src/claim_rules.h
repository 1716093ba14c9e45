// The claims service's rules, kept as configuration (config/claim_rules.json, or a deployment's
// own file), and the pure decisions taken with them: what an item of a reimbursement file is
// worth, or why it is rejected; what the file's outcome is; whether it goes to an agent first.
// No clock, no storage, no proto, no network: every fact (eligibility, tariff, history, the
// day) is a parameter, so each rule is tested at its bounds.
//
// Conventions (the tests hold them):
// - Amounts are integers in centimes. reimbursed = floor(min(amount_paid, tnr × quantity) ×
//   rate / 100), computed in 64-bit integers (no floating point anywhere).
// - Filing delay: an item whose care_date is more than `filing_delay_days` before the file's
//   filed_date is FILED_TOO_LATE (filed on care + 60: accepted; care + 61: rejected).
// - Repetition: the same act for the same beneficiary within `min_days_between` days of an
//   earlier accepted one is REPEATED_TOO_SOON (care dates exactly min_days_between apart:
//   accepted). min_days_between 0: no limit. Earlier items of the same file count, in the file's
//   order.
// - Duplicate: an item is an act given to a beneficiary on a day; the amount paid is not part of
//   it. The same beneficiary, act and care date already accepted in another file is DUPLICATE.
//   In one file, the units of one act on one day may be split over items: an item is DUPLICATE
//   when the earlier accepted items of that key already reach the act's max_quantity, and
//   QUANTITY_OVER_MAXIMUM when its own quantity would take their sum past it.
// - ALD: the higher rate applies when the item names a certificate of that beneficiary valid on
//   the care date (both validity days included); an invalid certificate is not a rejection, the
//   ordinary rate applies.
// - When several rules reject an item, the first in this order is given: INVALID_ROW,
//   NOT_COVERED, UNKNOWN_ACT, ACT_NOT_IN_TARIFF, FILED_TOO_LATE, DUPLICATE,
//   QUANTITY_OVER_MAXIMUM, REPEATED_TOO_SOON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "claims_file/claim_row.h"
#include "claims_file/tariff_csv.h"

namespace himaya::claims {

// The file contract's items and acts are the rules' words.
using claims_file::FiledItem;
using claims_file::TariffAct;

// What is known about an item when it is decided (gathered by the service).
struct ItemFacts {
  // Eligibility on the care date (the beneficiary service's answer).
  bool covered = false;
  std::string not_covered_reason;  // its reason code when not covered
  // The insured through whom the beneficiary is covered: must be the file's insured.
  std::string covered_through;
  // Whether the act code exists in any tariff version, and its entry on the care date.
  bool act_known = false;
  std::optional<TariffAct> act;
  bool ald_valid = false;
  // The accepted care date of this act for this beneficiary in other files nearest to this
  // item's (before or after it: the rules compare the days apart either side), and the file it
  // is in (REPEATED_TOO_SOON).
  std::optional<absl::CivilDay> previous_care_date;
  std::string previous_claim_id;
  // The same item (beneficiary, act, care date) already accepted in another file (DUPLICATE), and
  // that file.
  std::string duplicate_of;
};

struct ItemDecision {
  int item = 0;
  bool accepted = false;
  std::string reason;         // empty when accepted
  std::string reason_detail;  // codes only (see claims.proto)
  int64_t tnr_centimes = 0;
  int rate_percent = 0;
  int64_t reimbursed_centimes = 0;
};

enum class Outcome { kAccepted, kPartial, kRejected };
absl::string_view OutcomeName(Outcome outcome);  // "ACCEPTED", "PARTIAL", "REJECTED"

struct FileDecision {
  Outcome outcome = Outcome::kRejected;
  std::vector<ItemDecision> items;
  int64_t claimed_centimes = 0;
  int64_t reimbursed_centimes = 0;
  // "AMOUNT_OVER_THRESHOLD", "SAMPLED", or empty: no review.
  std::string review_reason;
};

// Item rejection reasons (ItemDecision::reason), and the detail NOT_COVERED carries when the
// beneficiary is covered through another insured than the file's.
inline constexpr char kInvalidRow[] = "INVALID_ROW";
inline constexpr char kNotCovered[] = "NOT_COVERED";
inline constexpr char kUnknownAct[] = "UNKNOWN_ACT";
inline constexpr char kActNotInTariff[] = "ACT_NOT_IN_TARIFF";
inline constexpr char kFiledTooLate[] = "FILED_TOO_LATE";
inline constexpr char kDuplicate[] = "DUPLICATE";
inline constexpr char kQuantityOverMaximum[] = "QUANTITY_OVER_MAXIMUM";
inline constexpr char kRepeatedTooSoon[] = "REPEATED_TOO_SOON";
inline constexpr char kNotInFamily[] = "NOT_IN_FAMILY";
// Review reasons (FileDecision::review_reason).
inline constexpr char kAmountOverThreshold[] = "AMOUNT_OVER_THRESHOLD";
inline constexpr char kSampled[] = "SAMPLED";

class ClaimRules {
 public:
  // Strict JSON (unknown, missing or repeated keys, wrong types, values out of range:
  // INVALID_ARGUMENT "claim_rules: <key>: ..." naming the key). Every key is required:
  // filing_delay_days (1-3650), due_days (1-365), escalate_after_days (1-365), review_threshold
  // (dirhams as a string, "5000.00", ParseDirhams), sample_percent (a string with at most two
  // decimals, "2.5", or an integer; 0 to 100), sample_seed (an integer from 0 to 2^64-1), rates
  // (a list, maybe empty, of {"program"?: a known program, "category"?: IsCareCategory,
  // "ordinary": 0-100, "ald": ordinary-100}, no two for the same program and category).
  static absl::StatusOr<ClaimRules> Parse(absl::string_view json);
  // The rules shipped with the service (config/claim_rules.json, embedded at build time).
  static const ClaimRules& Shipped();
  // The file at `path`, the shipped rules when empty. NOT_FOUND when it cannot be read.
  static absl::StatusOr<ClaimRules> Load(const std::string& path);

  // Rate in percent for a program and a care category, ordinary or with a valid ALD
  // certificate (the most specific configured entry wins; defaults 70 and 90).
  // Specificity: program and category, then program alone, then category alone, then an entry
  // naming neither; no entry matching: 70 and 90.
  int RatePercent(absl::string_view program, absl::string_view category, bool ald) const;
  // Whether the draw picks the file `claim_id` for review: a hash of the seed and the id
  // (64-bit FNV-1a, then SplitMix64's finaliser), modulo 10000, below sample_basis_points.
  // The same seed and id always draw the same.
  bool Sampled(absl::string_view claim_id) const;
  int filing_delay_days() const { return filing_delay_days_; }
  int due_days() const { return due_days_; }
  int64_t review_threshold_centimes() const { return review_threshold_centimes_; }
  // Percent of files drawn for review, in hundredths (250 = 2.5 %), and the draw's seed.
  int sample_basis_points() const { return sample_basis_points_; }
  uint64_t sample_seed() const { return sample_seed_; }
  int escalate_after_days() const { return escalate_after_days_; }

  // Decides every item of a file, in order (earlier items count for DUPLICATE and
  // REPEATED_TOO_SOON), then the file: outcome, totals, and whether it goes to review (over the
  // threshold, or drawn: a pure function of the seed and the claim id, so reproducible).
  // facts[i] is about items[i] (an item without facts is decided as not covered). Details:
  // NOT_COVERED carries facts.not_covered_reason, or NOT_IN_FAMILY when covered_through is not
  // `registration_number`; INVALID_ROW the field; DUPLICATE and REPEATED_TOO_SOON the earlier
  // file's claim id (`claim_id` itself for an earlier item of the same file). Only accepted
  // items count as earlier ones. An item without invalid_field whose quantity (1-999) or
  // amount_paid (1 to 10^12 centimes) is out of the contract's bounds is INVALID_ROW naming it.
  // A rejected item keeps the TNR amount when the act is in the tariff on its care date, rate
  // and reimbursement 0. The ALD rate needs both a certificate named and facts.ald_valid.
  // claimed = sum of every item's amount_paid (each within 0..10^12); outcome ACCEPTED
  // (every item), REJECTED (none, or no item), PARTIAL otherwise. Review: reimbursed above the
  // threshold -> AMOUNT_OVER_THRESHOLD; else, for a file with something accepted, Sampled() ->
  // SAMPLED.
  FileDecision Decide(const std::string& claim_id, const std::string& registration_number, absl::CivilDay filed_date,
                      const std::string& program, const std::vector<FiledItem>& items,
                      const std::vector<ItemFacts>& facts) const;

 private:
  struct Rate {
    std::string program;   // "" for any
    std::string category;  // "" for any
    int ordinary = 70;
    int ald = 90;
  };
  ClaimRules() = default;

  std::vector<Rate> rates_;
  int filing_delay_days_ = 60;
  int due_days_ = 9;
  int64_t review_threshold_centimes_ = 0;
  int sample_basis_points_ = 0;
  uint64_t sample_seed_ = 0;
  int escalate_after_days_ = 3;
};

// Whether a certificate valid from `valid_from` to `valid_until` (both days included) covers care
// on `care_date` (the service sets ItemFacts::ald_valid with it).
bool AldValidOn(absl::CivilDay valid_from, absl::CivilDay valid_until, absl::CivilDay care_date);

}  // namespace himaya::claims
