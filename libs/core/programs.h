// Programs (phases of the reform). Every record and event carries one; processes are started
// for a subset of them (--programs=amo-tadamon).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::core {

inline constexpr absl::string_view kProgramAmoTns = "amo-tns";
inline constexpr absl::string_view kProgramAmoTadamon = "amo-tadamon";
inline constexpr absl::string_view kProgramFamilyAllowances = "family-allowances";

// Every program the suite knows, in a stable order.
const std::vector<std::string>& AllPrograms();

// True when `program` is one of AllPrograms().
bool IsKnownProgram(absl::string_view program);

// Parses a comma-separated list ("amo-tns,amo-tadamon"); empty or "all" means every program.
// Fails with INVALID_ARGUMENT naming an unknown program.
absl::StatusOr<std::vector<std::string>> ParsePrograms(absl::string_view list);

}  // namespace himaya::core
