// R4's required elements (minimum cardinality 1) of the resources the FHIR routes answer, as a
// table from the R4 specification's resource pages (hl7.org/fhir/R4), and a check that a
// resource holds each: an element nested in an optional one is required wherever that one is
// present ("item.adjudication.category": in every adjudication of every item).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

const std::map<std::string, std::vector<std::string>>& R4RequiredElements();

// The required elements missing from `resource` (by resourceType; a resource type not in the
// table is itself reported), with the Bundle's entries' resources checked too. Empty when
// none is missing.
std::vector<std::string> MissingRequiredElements(const nlohmann::json& resource);

}  // namespace himaya::gateway::fhir
