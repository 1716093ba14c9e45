// The CapabilityStatement served at GET /fhir/r4/metadata: what this server speaks (FHIR 4.0.1,
// JSON), the resources and interactions of the /fhir/r4 routes, and how clients authenticate.
#pragma once

#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

// The date the statement last changed (CapabilityStatement.date): moved with the routes.
inline constexpr char kCapabilityDate[] = "2026-11-29";

nlohmann::json CapabilityStatement();

}  // namespace himaya::gateway::fhir
