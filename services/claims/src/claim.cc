#include "claims/src/claim.h"

namespace himaya::claims {

int64_t ClaimedCentimes(const std::vector<ClaimItemRecord>& items) {
  int64_t total = 0;
  for (const ClaimItemRecord& i : items) total += i.filed.amount_paid_centimes;
  return total;
}

std::string FormatClaimDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace himaya::claims
