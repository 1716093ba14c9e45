// The national reference tariff (TNR) as versioned reference data: a version is a CSV of acts
// (act_code,label,category,tnr_amount,max_quantity,min_days_between; tnr_amount in dirhams with
// two decimals) effective for care from its effective_from day until the next version's. Pure:
// parsing a version's file and answering "this act on this day" over the versions held.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "claim_rules.h"

namespace himaya::claims {

// Reads a version's CSV (header required, columns by name, case-insensitive). INVALID_ARGUMENT
// "line N: field: reason" for the first bad line; a code twice in one version is refused.
// Bounded: at most 100000 acts, fields of at most 200 bytes.
// Line N is the Nth record, the header being 1 (blank lines are not counted). The header holds
// each of the six columns once, in any order, and nothing else; each act: act_code as
// NormalizeActCode writes it (trimmed, upper-cased), label UTF-8 without control characters,
// category 1-32 of [A-Z_] (upper-cased), tnr_amount in dirhams above 0 (ParseDirhams),
// max_quantity 1-999, min_days_between 0-3650. Malformed CSV: "line N: csv: ...".
absl::StatusOr<std::vector<TariffAct>> ParseTariffCsv(absl::string_view csv);

struct TariffVersion {
  std::string version;
  absl::CivilDay effective_from;
  std::vector<TariffAct> acts;
};

// The versions held, answering for a care date.
class Tariff {
 public:
  // Versions in any order; two on the same effective_from: the last given holds the day.
  explicit Tariff(std::vector<TariffVersion> versions);
  // The act in the version effective on `care_date`; nullopt when that version has no such act
  // or no version is effective yet.
  std::optional<TariffAct> ActOn(absl::string_view act_code, absl::CivilDay care_date) const;
  // Whether any version holds the code.
  bool Knows(absl::string_view act_code) const;

 private:
  // effective_from -> code -> act.
  std::map<absl::CivilDay, std::map<std::string, TariffAct, std::less<>>> versions_;
};

}  // namespace himaya::claims
