// Fuzz target: the FHIR resources a partner sends (Claim, CoverageEligibilityRequest). The
// first byte chooses the reader; any input must end in a resource read or a clear error, never
// a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/src/fhir_claims.h"
#include "gateway/src/fhir_eligibility.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    auto filing = himaya::gateway::fhir::ReadClaim(body, "clinic-atlas");
    if (filing.ok() && filing->request.items_size() == 0) __builtin_trap();
  } else {
    auto query = himaya::gateway::fhir::ReadEligibilityRequest(body);
    if (query.ok() && query->beneficiary_id.empty()) __builtin_trap();
  }
  return 0;
}
