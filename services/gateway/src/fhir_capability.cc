#include "gateway/src/fhir_capability.h"

#include <string>
#include <vector>

#include "gateway/src/fhir_json.h"

namespace himaya::gateway::fhir {
namespace {

nlohmann::json Interactions(const std::vector<std::string>& codes) {
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& code : codes) list.push_back({{"code", code}});
  return list;
}

}  // namespace

nlohmann::json CapabilityStatement() {
  nlohmann::json coverage = {
      {"type", "Coverage"},
      {"interaction", Interactions({"search-type"})},
      {"searchParam",
       nlohmann::json::array({{{"name", "beneficiary"},
                               {"type", "reference"},
                               {"documentation",
                                "Required: the insured's registration number or a dependent's NUMBER-NN, as id, "
                                "Patient/<id>, or beneficiary:identifier=<system>|<id>"}}})}};
  nlohmann::json eligibility = {
      {"type", "CoverageEligibilityRequest"},
      {"interaction", Interactions({"create"})},
      {"documentation", "purpose validation: answered at once with a CoverageEligibilityResponse"}};
  nlohmann::json claim = {
      {"type", "Claim"},
      {"interaction", Interactions({"create"})},
      {"documentation",
       "use claim: filed with the claims service and answered with its ClaimResponse (outcome queued until "
       "decided); Claim.identifier makes a retry return the first answer"}};
  nlohmann::json claim_response = {{"type", "ClaimResponse"},
                                   {"interaction", Interactions({"read"})},
                                   {"documentation", "The current state of a claim this client filed"}};
  nlohmann::json code_system = {{"type", "CodeSystem"},
                                {"interaction", Interactions({"read"})},
                                {"documentation", "claim-reason and eligibility-reason"}};
  nlohmann::json security = {
      {"cors", false},
      {"description",
       "An API key with the scope fhir, sent as `Authorization: ApiKey <key_id>.<secret>` (himaya apikey "
       "create); /metadata and CodeSystem need none"}};
  return {{"resourceType", "CapabilityStatement"},
          {"status", "active"},
          {"date", kCapabilityDate},
          {"publisher", "himaya"},
          {"kind", "instance"},
          {"software", {{"name", "himaya gateway"}}},
          {"implementation", {{"description", "himaya: FHIR R4 for clinics and partner insurers"}}},
          {"fhirVersion", kFhirVersion},
          {"format", nlohmann::json::array({"json", kContentType})},
          {"rest",
           nlohmann::json::array(
               {{{"mode", "server"},
                 {"security", security},
                 {"resource", nlohmann::json::array({coverage, eligibility, claim, claim_response, code_system})}}})}};
}

}  // namespace himaya::gateway::fhir
