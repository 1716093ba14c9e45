// Who a generated claims file is for (`himaya gen claims`, `himaya bench claims`): the insured a
// liaison batch registered, read from registration's report of it, their dependents and the day
// each one's coverage began, asked of the beneficiary service (ListFamily); or a file of
// beneficiary ids.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "datagen/claims_generator.h"

namespace himaya::cli {

// The registration numbers of the rows a liaison batch REGISTERED, in the report's order, from the
// registration service at `address`. The call's error (NOT_FOUND for an unknown batch).
absl::StatusOr<std::vector<std::string>> RegisteredByBatch(const std::string& address, const std::string& liaison_body,
                                                           const std::string& batch_id);

// Each insured's family as the beneficiary service at `address` knows it: the insured and the
// dependents covered today, each from the first day of their current coverage period. An insured
// the service does not know yet, or not covered today, is left out and counted in `left_out`.
// The first error other than NOT_FOUND.
absl::StatusOr<std::vector<datagen::CoveredFamily>> CoveredFamilies(const std::string& address,
                                                                    const std::vector<std::string>& insured,
                                                                    int64_t* left_out);

// A file of beneficiary ids, one a line: NUMBER for an insured, NUMBER-NN for a dependent (after
// their insured), optionally followed by ",YYYY-MM-DD", the first covered day (else
// `covered_from`). Blank lines and lines starting with # are skipped. INVALID_ARGUMENT naming the
// line; NOT_FOUND when the file cannot be read.
absl::StatusOr<std::vector<datagen::CoveredFamily>> ReadFamiliesFile(const std::string& path,
                                                                     absl::CivilDay covered_from);

}  // namespace himaya::cli
