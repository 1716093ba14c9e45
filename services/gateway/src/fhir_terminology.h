// The code systems the FHIR routes answer with, served as CodeSystem resources
// (GET /fhir/r4/CodeSystem/{id}): why the claims service rejects an item (claims.proto's
// ClaimItem.reason) and why beneficiary does not cover someone on a date (EligibilityAnswer's
// reason). The codes are the services' own, unchanged.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

// "claim-reason" and "eligibility-reason".
inline constexpr char kClaimReasonId[] = "claim-reason";
inline constexpr char kEligibilityReasonId[] = "eligibility-reason";

// The CodeSystem resource of that id; nullopt for another id.
std::optional<nlohmann::json> CodeSystemById(absl::string_view id);

// The display of a code of the claim-reason (or eligibility-reason) system; empty for a code the
// system does not list (a service's newer code, still answered as it is).
std::string ClaimReasonDisplay(absl::string_view code);
std::string EligibilityReasonDisplay(absl::string_view code);

}  // namespace himaya::gateway::fhir
