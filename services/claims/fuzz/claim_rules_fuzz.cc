// Fuzzes the claim rules' configuration: the input is a rules file. What ClaimRules::Parse
// accepts lies in the documented ranges (rates from 0 to 100, the ALD rate never below the
// ordinary one, for any program and category); the draw of a claim id is the same twice; what
// it refuses is INVALID_ARGUMENT "claim_rules: ...".
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "claims/src/claim_rules.h"
#include "claims_file/dirhams.h"
#include "core/programs.h"

namespace {

using namespace himaya::claims;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ClaimRules> rules = ClaimRules::Parse(input);
  if (!rules.ok()) {
    Check(rules.status().code() == absl::StatusCode::kInvalidArgument);
    Check(absl::StartsWith(rules.status().message(), "claim_rules: "));
    return 0;
  }
  Check(rules->filing_delay_days() >= 1 && rules->filing_delay_days() <= 3650);
  Check(rules->due_days() >= 1 && rules->due_days() <= 365);
  Check(rules->escalate_after_days() >= 1 && rules->escalate_after_days() <= 365);
  Check(rules->review_threshold_centimes() >= 0 &&
        rules->review_threshold_centimes() <= himaya::claims_file::kMaxDirhamsCentimes);
  Check(rules->sample_basis_points() >= 0 && rules->sample_basis_points() <= 10000);
  std::vector<std::string> programs = himaya::core::AllPrograms();
  programs.push_back("");
  for (const std::string& program : programs) {
    for (const char* category : {"CONSULTATION", "DENTAL", "OPTICS", "PHARMACY", "X", ""}) {
      const int ordinary = rules->RatePercent(program, category, false);
      const int ald = rules->RatePercent(program, category, true);
      Check(ordinary >= 0 && ordinary <= 100 && ald >= ordinary && ald <= 100);
    }
  }
  const std::string id(input.substr(0, 32));
  Check(rules->Sampled(id) == rules->Sampled(id));
  if (rules->sample_basis_points() == 0) Check(!rules->Sampled(id));
  if (rules->sample_basis_points() == 10000) Check(rules->Sampled(id));
  return 0;
}
