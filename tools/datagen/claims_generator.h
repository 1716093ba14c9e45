// Synthetic bulk claims files (docs/claims-file.md) for demos, tests and benchmarks: files of 1
// to 5 items (3 on average) for people who exist and are covered, acts and amounts from a TNR,
// and chosen shares of items planted to be rejected for each reason the rules give
// (NOT_COVERED, UNKNOWN_ACT, FILED_TOO_LATE, DUPLICATE, QUANTITY_OVER_MAXIMUM,
// REPEATED_TOO_SOON). Every other item is one the rules accept: a covered beneficiary, an act
// of the tariff without a minimum spacing, a quantity within its maximum, filed within the
// delay. Seeded: the same options write the same bytes. Written as generated (memory grows with
// the number of people, not of files).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace himaya::datagen {

// Someone a file may be for: a beneficiary id (NUMBER, or NUMBER-NN for a dependent) and the
// first day of their current coverage.
struct CoveredPerson {
  std::string beneficiary_id;
  absl::CivilDay covered_from;
};

// An insured and the dependents covered through them (the files are the insured's).
struct CoveredFamily {
  CoveredPerson insured;
  std::vector<CoveredPerson> dependents;
};

// The rejection reasons a generator can plant, as the rules name them.
inline constexpr char kNotCovered[] = "NOT_COVERED";
inline constexpr char kUnknownAct[] = "UNKNOWN_ACT";
inline constexpr char kFiledTooLate[] = "FILED_TOO_LATE";
inline constexpr char kDuplicate[] = "DUPLICATE";
inline constexpr char kQuantityOverMaximum[] = "QUANTITY_OVER_MAXIMUM";
inline constexpr char kRepeatedTooSoon[] = "REPEATED_TOO_SOON";

struct ClaimsOptions {
  int64_t claims = 1000;
  std::vector<CoveredFamily> families;
  // A TNR version's CSV (act_code,label,category,tnr_amount,max_quantity,min_days_between);
  // empty: the sample TNR (services/claims/config/tnr_sample.csv).
  std::string tariff_csv;
  // The proximity-point network or branch that sends the file (the manifest's liaison_body).
  std::string sender = "CASHPLUS";
  std::string batch_id;  // default: SENDER-<seed>-<claims>
  std::string out_dir = ".";
  uint64_t seed = 1;
  // The day the files are filed (YYYY-MM-DD): care happens in the 30 days before, and not
  // before the person's coverage.
  absl::CivilDay filed_date;
  // The rules' filing delay (days after care).
  int filing_delay_days = 60;
  // Percent of items planted for each reason (keys: the constants above); at most 100 in all.
  std::map<std::string, double> rejection_percent;
};

struct GeneratedClaims {
  std::string csv_path;
  std::string manifest_path;
  std::string batch_id;
  std::string sender;
  int64_t claims = 0;
  int64_t items = 0;
  // Items planted for each reason (reasons with none are absent), and items the rules accept.
  std::map<std::string, int64_t> planted;
  int64_t clean_items = 0;
  // Files whose every item is clean.
  int64_t clean_claims = 0;
};

// The sample TNR's text (services/claims/config/tnr_sample.csv).
const char* SampleTariffCsv();

// Writes BATCH_ID.csv and BATCH_ID.manifest.json under out_dir. INVALID_ARGUMENT naming the
// option: no families, a percentage outside [0, 100] or adding up past 100, an unknown reason,
// a tariff that cannot be read or lacks what a planted reason needs (an act without spacing for
// the clean items, one with spacing for REPEATED_TOO_SOON), or FILED_TOO_LATE asked while nobody
// was covered long enough before filed_date; UNAVAILABLE when out_dir cannot be written.
absl::StatusOr<GeneratedClaims> GenerateClaimsFile(const ClaimsOptions& options);

}  // namespace himaya::datagen
