#include "core/programs.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace himaya::core {

const std::vector<std::string>& AllPrograms() {
  static const auto* const programs = new std::vector<std::string>{
      std::string(kProgramAmoTns), std::string(kProgramAmoTadamon), std::string(kProgramFamilyAllowances)};
  return *programs;
}

bool IsKnownProgram(absl::string_view program) {
  const auto& all = AllPrograms();
  return std::find(all.begin(), all.end(), program) != all.end();
}

absl::StatusOr<std::vector<std::string>> ParsePrograms(absl::string_view list) {
  list = absl::StripAsciiWhitespace(list);
  if (list.empty() || list == "all") return AllPrograms();
  std::vector<std::string> programs;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    if (!IsKnownProgram(part)) {
      return absl::InvalidArgumentError(
          absl::StrCat("programs: unknown program '", part, "' (known: ", absl::StrJoin(AllPrograms(), ", "), ")"));
    }
    if (std::find(programs.begin(), programs.end(), part) == programs.end()) {
      programs.emplace_back(part);
    }
  }
  return programs;
}

}  // namespace himaya::core
