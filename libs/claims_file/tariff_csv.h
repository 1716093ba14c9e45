// The TNR file (national reference tariff, docs/claims-file.md): one version's acts as CSV,
// act_code,label,category,tnr_amount,max_quantity,min_days_between (tnr_amount in dirhams with
// two decimals). Shared by the claims service (ImportTariff, then its Tariff lookup) and the
// generator, which draws its acts and amounts from the same file.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::claims_file {

// One act of a TNR version.
struct TariffAct {
  std::string act_code;
  std::string label;
  std::string category;  // CONSULTATION, PHARMACY, BIOLOGY, RADIOLOGY, HOSPITALISATION, DENTAL, ...
  int64_t tnr_centimes = 0;
  int max_quantity = 0;      // per beneficiary and day, split over a file's items or not
  int min_days_between = 0;  // 0: no limit
};

// A care category's written form (TariffAct::category, a rate's category): 1 to 32 of [A-Z_].
bool IsCareCategory(absl::string_view category);

// Reads a version's CSV (header required, columns by name, case-insensitive). INVALID_ARGUMENT
// "line N: field: reason" for the first bad line; a code twice in one version is refused.
// Bounded: at most 100000 acts, fields of at most 200 bytes.
// Line N is the Nth record, the header being 1 (blank lines are not counted). The header holds
// each of the six columns once, in any order, and nothing else; each act: act_code as
// NormalizeActCode writes it (trimmed, upper-cased), label UTF-8 without control characters,
// category 1-32 of [A-Z_] (upper-cased), tnr_amount in dirhams above 0 (ParseDirhams),
// max_quantity 1-999, min_days_between 0-3650. Malformed CSV: "line N: csv: ...".
absl::StatusOr<std::vector<TariffAct>> ParseTariffCsv(absl::string_view csv);

}  // namespace himaya::claims_file
