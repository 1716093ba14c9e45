#include "gateway/src/fhir_terminology.h"

#include <utility>
#include <vector>

#include "gateway/src/fhir_json.h"

namespace himaya::gateway::fhir {
namespace {

struct Concept {
  const char* code;
  const char* display;
};

// claims.proto, ClaimItem.reason.
const std::vector<Concept>& ClaimReasons() {
  static const auto* const kReasons = new std::vector<Concept>{
      {"NOT_COVERED", "The beneficiary was not covered on the care date"},
      {"UNKNOWN_ACT", "The act is not in the national reference tariff"},
      {"ACT_NOT_IN_TARIFF", "The act has no tariff on the care date"},
      {"QUANTITY_OVER_MAXIMUM", "More units than the tariff allows"},
      {"REPEATED_TOO_SOON", "The act was repeated sooner than the tariff allows"},
      {"DUPLICATE", "The same act for the same beneficiary on the same day was already filed"},
      {"FILED_TOO_LATE", "Filed past the delay after the care date"},
      {"INVALID_ROW", "A field of the item is invalid"},
      {"REJECTED_BY_AGENT", "Rejected by an agent's review"},
  };
  return *kReasons;
}

// beneficiary.proto, EligibilityAnswer.reason.
const std::vector<Concept>& EligibilityReasons() {
  static const auto* const kReasons = new std::vector<Concept>{
      {"NOT_REGISTERED", "Nobody is registered under this number or id"},
      {"NOT_YET_COVERED", "The date is before the first coverage period"},
      {"AGE_LIMIT", "A child past the age limit"},
      {"STUDIES_ENDED", "A child whose declared studies ended before the date"},
      {"REMOVED", "Removed from the family before the date"},
      {"INSURED_NOT_COVERED", "The insured through whom the dependent is covered is not covered"},
      {"DETAILS_PENDING", "A household member whose identity has not been received yet"},
      {"DETAILS_INVALID", "A household member whose identity was refused"},
  };
  return *kReasons;
}

nlohmann::json CodeSystemOf(absl::string_view id, absl::string_view system, absl::string_view name,
                            absl::string_view title, absl::string_view description,
                            const std::vector<Concept>& concepts) {
  nlohmann::json concept_list = nlohmann::json::array();
  for (const Concept& c : concepts) concept_list.push_back({{"code", c.code}, {"display", c.display}});
  return {{"resourceType", "CodeSystem"},
          {"id", id},
          {"url", system},
          {"name", name},
          {"title", title},
          {"status", "active"},
          {"experimental", false},
          {"publisher", "himaya"},
          {"description", description},
          {"caseSensitive", true},
          {"content", "complete"},
          {"count", concepts.size()},
          {"concept", std::move(concept_list)}};
}

std::string DisplayIn(const std::vector<Concept>& concepts, absl::string_view code) {
  for (const Concept& c : concepts) {
    if (code == c.code) return c.display;
  }
  return "";
}

}  // namespace

std::optional<nlohmann::json> CodeSystemById(absl::string_view id) {
  if (id == kClaimReasonId) {
    return CodeSystemOf(id, kClaimReasonSystem, "ClaimReason", "Why a claim item is rejected",
                        "The claims service's reason codes, in ClaimResponse.item.adjudication.reason", ClaimReasons());
  }
  if (id == kEligibilityReasonId) {
    return CodeSystemOf(id, kEligibilityReasonSystem, "EligibilityReason", "Why a beneficiary is not covered",
                        "Beneficiary's reason codes, in CoverageEligibilityResponse (error, or the "
                        "not-covered-reason extension) and with NOT_COVERED claim items",
                        EligibilityReasons());
  }
  return std::nullopt;
}

std::string ClaimReasonDisplay(absl::string_view code) { return DisplayIn(ClaimReasons(), code); }
std::string EligibilityReasonDisplay(absl::string_view code) { return DisplayIn(EligibilityReasons(), code); }

}  // namespace himaya::gateway::fhir
