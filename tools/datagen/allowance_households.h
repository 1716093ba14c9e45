// Households of family allowances (program family-allowances) written straight into a stopped
// beneficiary service's database (its migrations applied), for the benchmark and the crash
// test: the insured i (registration number of sequence kFirstSequence + i), covered since
// 2023-06-01, with 1 to 7 children each born from 2008 to 2023 (some past 12, the seventh
// disabled), covered since the same day. Many thousand rows per transaction.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace himaya::datagen {

// Writes households 0 to n - 1 into the database at `url` (sqlite:PATH or postgresql://...).
// How many children; the database's error.
absl::StatusOr<int64_t> WriteAllowanceHouseholds(const std::string& url, int64_t n);

}  // namespace himaya::datagen
