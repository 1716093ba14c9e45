// The FHIR R4 routes of the gateway (/fhir/r4/*), as HandRoutes: the CapabilityStatement and
// the code systems for anyone; Coverage search, CoverageEligibilityRequest, Claim and
// ClaimResponse read for API clients holding the scope `fhir`, calling beneficiary and claims
// with the backends' deadline. Every error, the pipeline's own included, is an
// OperationOutcome (fhir_errors); docs/fhir.md gives the mappings.
#pragma once

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "core/clock.h"
#include "gateway/src/fhir_json.h"
#include "gateway/src/pipeline_parts.h"

namespace himaya::gateway {

// The scope an API key needs for the protected FHIR routes.
inline constexpr char kFhirScope[] = "fhir";

struct FhirOptions {
  fhir::Fund fund;
  // Today, for a coverage's status (in `zone`: the fund's days).
  const core::Clock* clock = &core::SystemClock::Get();
  absl::TimeZone zone = absl::UTCTimeZone();
};

// The routes, the catch-alls last (an unknown resource under /fhir/r4/ is a 404
// OperationOutcome). They keep stubs of `backends`' channels. A partner's read of a person (a
// Coverage search, an eligibility request, a ClaimResponse) is written to `audit` (who: the API
// client; subject: the beneficiary, or the claim's insured) before it is answered; 503 when it
// cannot be. `audit` outlives the routes.
std::vector<HandRoute> FhirRoutes(const Backends& backends, AccessAudit& audit, FhirOptions options = {});

}  // namespace himaya::gateway
