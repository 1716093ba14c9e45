// Amounts in dirhams as the claims file contract writes them (docs/claims-file.md): digits, then
// at most two decimals after a point, read into integer centimes and written back. Shared by the
// claims service, the generator, the CLI and notification, so that every party reads and writes
// an amount the same way.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::claims_file {

// The largest amount ParseDirhams reads, in centimes (10 billion dirhams).
inline constexpr int64_t kMaxDirhamsCentimes = 1'000'000'000'000;

// Reads an amount in dirhams with at most two decimals ("150", "150.5", "150.50") into
// centimes. INVALID_ARGUMENT for anything else (signs, spaces, exponents, more decimals,
// overflow past 10^12 centimes).
absl::StatusOr<int64_t> ParseDirhams(absl::string_view text);
// 15050 -> "150.50"; -5 -> "-0.05" (every int64_t, its most negative value included).
std::string FormatDirhams(int64_t centimes);

}  // namespace himaya::claims_file
