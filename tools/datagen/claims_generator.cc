#include "datagen/claims_generator.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "claims_file/claim_row.h"
#include "claims_file/dirhams.h"
#include "claims_file/tariff_csv.h"
#include "datagen/liaison_generator.h"
#include "datagen_tnr_sample_csv.h"

namespace himaya::datagen {
namespace {

// The reasons in the order a draw walks them (the same order every run: reproducible).
constexpr const char* kReasons[] = {kNotCovered, kUnknownAct,          kFiledTooLate,
                                    kDuplicate,  kQuantityOverMaximum, kRepeatedTooSoon};
// An act code the tariff never holds (UNKNOWN_ACT).
constexpr char kUnknownActCode[] = "X.INCONNU";
// Care happens in the days before filing, at most this many.
constexpr int kCareWindowDays = 30;
constexpr int kMaxItems = 5;
constexpr size_t kMaxBatchIdLength = 24;  // the claim ids BATCH-NNNNNNN stay within 32

using Act = claims_file::TariffAct;

struct Item {
  std::string beneficiary_id;
  absl::CivilDay covered_from;
  absl::CivilDay care_date;
  std::string act_code;
  int quantity = 1;
  int64_t amount_centimes = 0;
  std::string kind;  // "" for clean, else the reason planted
  // A clean item another was made from (a duplicate or a repetition): it keeps its act and date.
  bool source = false;
};

class Generator {
 public:
  Generator(const ClaimsOptions& o, std::vector<Act> acts) : o_(o), rng_(o.seed) {
    for (Act& a : acts) {
      if (a.min_days_between == 0 && a.max_quantity < claims_file::kMaxQuantity) {
        plain_.push_back(a);
      } else if (a.min_days_between >= 2) {
        spaced_.push_back(a);
      }
    }
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  double Percent() { return std::uniform_real_distribution<double>(0, 100)(rng_); }

  // What was paid for `quantity` acts: 80 % to 150 % of the TNR, to the centime (so that two
  // clean items never repeat an amount by chance, which would make one a DUPLICATE).
  int64_t Paid(const Act& act, int quantity) {
    const int64_t tnr = act.tnr_centimes * quantity;
    return std::max<int64_t>(1, tnr * Uniform(80, 150) / 100 + Uniform(0, 99));
  }

  // A day within the care window and the person's coverage; false when they are covered from
  // after `latest`.
  bool CareDay(absl::CivilDay covered_from, absl::CivilDay latest, absl::CivilDay* day) {
    const absl::CivilDay earliest = std::max(covered_from, o_.filed_date - kCareWindowDays);
    if (earliest > latest) return false;
    *day = earliest + Uniform(0, static_cast<int>(latest - earliest));
    return true;
  }

  Item Clean(const CoveredFamily& family) {
    std::vector<const CoveredPerson*> people = {&family.insured};
    for (const CoveredPerson& d : family.dependents) {
      if (d.covered_from <= o_.filed_date) people.push_back(&d);
    }
    const CoveredPerson& who = *people[Uniform(0, static_cast<int>(people.size()) - 1)];
    const Act& act = plain_[Uniform(0, static_cast<int>(plain_.size()) - 1)];
    Item item;
    item.beneficiary_id = who.beneficiary_id;
    item.covered_from = who.covered_from;
    CareDay(who.covered_from, o_.filed_date, &item.care_date);
    item.act_code = act.act_code;
    item.quantity = Uniform(1, std::min(act.max_quantity, 3));
    item.amount_centimes = Paid(act, item.quantity);
    return item;
  }

  // Plants `reason` in items[i] (a clean item); false when this file cannot hold it (no earlier
  // clean item to repeat, or no room for a repetition), the item then staying clean.
  bool Plant(const std::string& reason, const CoveredFamily& family, std::vector<Item>& items, size_t i) {
    Item& item = items[i];
    if (reason == kNotCovered) {
      // A rank no dependent of the family holds: nobody is covered under it.
      for (int rank = 99; rank > 0; --rank) {
        const std::string id = absl::StrFormat("%s-%02d", family.insured.beneficiary_id, rank);
        if (std::none_of(family.dependents.begin(), family.dependents.end(),
                         [&](const CoveredPerson& d) { return d.beneficiary_id == id; })) {
          item.beneficiary_id = id;
          break;
        }
      }
    } else if (reason == kUnknownAct) {
      item.act_code = kUnknownActCode;
    } else if (reason == kFiledTooLate) {
      // The insured, covered long enough before (the family was chosen for it).
      const absl::CivilDay latest = o_.filed_date - o_.filing_delay_days - 1;
      const int room = static_cast<int>(std::min<int64_t>(kCareWindowDays, latest - family.insured.covered_from));
      item.beneficiary_id = family.insured.beneficiary_id;
      item.care_date = latest - Uniform(0, room);
    } else if (reason == kQuantityOverMaximum) {
      const Act& act = plain_[Uniform(0, static_cast<int>(plain_.size()) - 1)];
      item.act_code = act.act_code;
      item.quantity = std::min(claims_file::kMaxQuantity, act.max_quantity + Uniform(1, 3));
      item.amount_centimes = Paid(act, item.quantity);
    } else if (reason == kDuplicate) {
      Item* source = EarlierClean(items, i, [](const Item&) { return true; });
      if (source == nullptr) return false;
      source->source = true;
      item = *source;
      item.source = false;
    } else if (reason == kRepeatedTooSoon) {
      return Repeat(items, i);
    }
    item.kind = reason;
    return true;
  }

  // items[i] repeats an earlier clean item's act for the same beneficiary within the act's
  // spacing: the earlier item takes an act with a spacing this beneficiary has not had yet.
  bool Repeat(std::vector<Item>& items, size_t i) {
    Item* first = EarlierClean(items, i, [&](const Item& candidate) {
      return !candidate.source && candidate.covered_from < o_.filed_date && UnusedSpacedAct(candidate) != nullptr;
    });
    if (first == nullptr) return false;
    const Act& act = *UnusedSpacedAct(*first);
    spaced_used_.insert({first->beneficiary_id, act.act_code});
    first->source = true;
    first->act_code = act.act_code;
    first->quantity = 1;
    first->amount_centimes = Paid(act, 1);
    CareDay(first->covered_from, o_.filed_date - 1, &first->care_date);
    Item& item = items[i];
    item = *first;
    item.source = false;
    const int most = static_cast<int>(std::min<int64_t>(act.min_days_between - 1, o_.filed_date - first->care_date));
    item.care_date = first->care_date + Uniform(1, most);
    item.amount_centimes = Paid(act, 1);
    item.kind = kRepeatedTooSoon;
    return true;
  }

  const Act* UnusedSpacedAct(const Item& item) const {
    for (const Act& a : spaced_) {
      if (!spaced_used_.count({item.beneficiary_id, a.act_code})) return &a;
    }
    return nullptr;
  }

  template <typename Fits>
  Item* EarlierClean(std::vector<Item>& items, size_t i, const Fits& fits) {
    for (size_t j = 0; j < i; ++j) {
      if (items[j].kind.empty() && fits(items[j])) return &items[j];
    }
    return nullptr;
  }

  const ClaimsOptions& o_;
  std::mt19937_64 rng_;
  std::vector<Act> plain_;   // no spacing: the clean items' acts
  std::vector<Act> spaced_;  // a spacing of 2 days or more: REPEATED_TOO_SOON's
  // (beneficiary, act) pairs given a spaced act: a second file would repeat it by chance.
  std::set<std::pair<std::string, std::string>> spaced_used_;
};

absl::Status CheckOptions(const ClaimsOptions& o) {
  if (o.claims < 0) return absl::InvalidArgumentError("claims: must not be negative");
  if (o.families.empty()) return absl::InvalidArgumentError("families: nobody to file for");
  if (o.batch_id.size() > kMaxBatchIdLength ||
      !std::all_of(o.batch_id.begin(), o.batch_id.end(), [](char c) { return absl::ascii_isalnum(c) || c == '-'; })) {
    return absl::InvalidArgumentError("batch_id: at most 24 characters of A-Z, a-z, 0-9 and -");
  }
  double total = 0;
  for (const auto& [reason, percent] : o.rejection_percent) {
    const std::string& name = reason;  // a lambda may not capture a structured binding (C++17)
    if (std::find_if(std::begin(kReasons), std::end(kReasons), [&](const char* r) { return name == r; }) ==
        std::end(kReasons)) {
      return absl::InvalidArgumentError(absl::StrCat("rejections: no generator for ", reason));
    }
    if (!(percent >= 0 && percent <= 100)) {
      return absl::InvalidArgumentError(absl::StrCat(reason, ": a percentage from 0 to 100"));
    }
    total += percent;
  }
  if (total > 100) return absl::InvalidArgumentError("rejections: the percentages add up to more than 100");
  return absl::OkStatus();
}

}  // namespace

const char* SampleTariffCsv() { return datagen_tnr_sample_csv(); }

absl::StatusOr<GeneratedClaims> GenerateClaimsFile(const ClaimsOptions& options) {
  ClaimsOptions o = options;
  GeneratedClaims out;
  out.sender = o.sender;
  if (o.batch_id.empty()) o.batch_id = absl::StrCat(o.sender, "-", o.seed, "-", o.claims);
  out.batch_id = o.batch_id;
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  auto percent = [&](const char* reason) {
    auto it = o.rejection_percent.find(reason);
    return it == o.rejection_percent.end() ? 0.0 : it->second;
  };
  absl::StatusOr<std::vector<Act>> acts =
      claims_file::ParseTariffCsv(o.tariff_csv.empty() ? SampleTariffCsv() : o.tariff_csv);
  if (!acts.ok()) return absl::InvalidArgumentError(absl::StrCat("tariff: ", acts.status().message()));
  if (std::any_of(acts->begin(), acts->end(), [](const Act& a) { return a.act_code == kUnknownActCode; })) {
    return absl::InvalidArgumentError(absl::StrCat("tariff: holds ", kUnknownActCode, ", the unknown act planted"));
  }
  Generator g(o, *std::move(acts));
  if (g.plain_.empty()) return absl::InvalidArgumentError("tariff: no act without a minimum spacing");
  if (percent(kRepeatedTooSoon) > 0 && g.spaced_.empty()) {
    return absl::InvalidArgumentError("REPEATED_TOO_SOON: the tariff has no act with a minimum spacing");
  }
  // Who may file: the insured covered by filed_date; FILED_TOO_LATE's, covered before the delay.
  std::vector<const CoveredFamily*> families, covered_long;
  for (const CoveredFamily& f : o.families) {
    if (f.insured.covered_from > o.filed_date) continue;
    families.push_back(&f);
    if (f.insured.covered_from <= o.filed_date - o.filing_delay_days - 1) covered_long.push_back(&f);
  }
  if (families.empty()) return absl::InvalidArgumentError("families: nobody is covered on filed_date or before");
  if (percent(kFiledTooLate) > 0 && covered_long.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("FILED_TOO_LATE: nobody was covered more than ", o.filing_delay_days,
                                                   " days before filed_date ", absl::FormatCivilTime(o.filed_date),
                                                   " (file later)"));
  }

  out.csv_path = absl::StrCat(o.out_dir, "/", o.batch_id, ".csv");
  out.manifest_path = absl::StrCat(o.out_dir, "/", o.batch_id, ".manifest.json");
  std::ofstream csv(out.csv_path, std::ios::binary | std::ios::trunc);
  if (!csv) return absl::UnavailableError(absl::StrCat("cannot write under ", o.out_dir));
  csv << "claim_id,registration_number,beneficiary_id,care_date,filed_date,act_code,quantity,amount_paid,"
         "ald_certificate\n";
  // Duplicates and repetitions need an earlier clean item of the file: those drawn where there
  // is none are planted at the next place that has one.
  std::map<std::string, int64_t> owed;
  const std::string filed = absl::FormatCivilTime(o.filed_date);
  for (int64_t c = 0; c < o.claims; ++c) {
    const int n = g.Uniform(1, kMaxItems);
    std::vector<std::string> kinds(n);
    for (std::string& kind : kinds) {
      double draw = g.Percent();
      for (const char* reason : kReasons) {
        if (draw < percent(reason)) {
          kind = reason;
          break;
        }
        draw -= percent(reason);
      }
    }
    const bool late = std::find(kinds.begin(), kinds.end(), kFiledTooLate) != kinds.end();
    const std::vector<const CoveredFamily*>& pool = late ? covered_long : families;
    const CoveredFamily& family = *pool[g.Uniform(0, static_cast<int>(pool.size()) - 1)];
    std::vector<Item> items;
    for (int i = 0; i < n; ++i) items.push_back(g.Clean(family));
    for (int i = 0; i < n; ++i) {
      std::string kind = kinds[i];
      if (kind.empty()) {
        for (const char* reason : {kDuplicate, kRepeatedTooSoon}) {
          if (owed[reason] > 0 && g.Plant(reason, family, items, i)) {
            --owed[reason];
            ++out.planted[reason];
            break;
          }
        }
        continue;
      }
      if (g.Plant(kind, family, items, i)) {
        ++out.planted[kind];
      } else {
        ++owed[kind];
      }
    }
    const std::string claim_id = absl::StrFormat("%s-%07d", o.batch_id, c + 1);
    bool clean = true;
    for (const Item& item : items) {
      clean = clean && item.kind.empty();
      if (item.kind.empty()) ++out.clean_items;
      csv << claim_id << ',' << family.insured.beneficiary_id << ',' << item.beneficiary_id << ','
          << absl::FormatCivilTime(item.care_date) << ',' << filed << ',' << item.act_code << ',' << item.quantity
          << ',' << claims_file::FormatDirhams(item.amount_centimes) << ",\n";
    }
    out.items += n;
    ++out.claims;
    if (clean) ++out.clean_claims;
  }
  csv.close();
  if (!csv) return absl::UnavailableError(absl::StrCat("cannot write ", out.csv_path));
  if (absl::Status s = WriteManifestFor(out.csv_path, out.manifest_path, o.batch_id, o.sender, "", out.items);
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace himaya::datagen
