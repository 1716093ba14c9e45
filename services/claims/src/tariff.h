// The national reference tariff (TNR) as versioned reference data: a version's acts (read from
// its CSV by claims_file::ParseTariffCsv) are effective for care from its effective_from day
// until the next version's. Pure: answering "this act on this day" over the versions held.
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
