#include "gateway/src/fhir_eligibility.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/fhir_terminology.h"

namespace himaya::gateway::fhir {
namespace {

constexpr char kType[] = "CoverageEligibilityRequest";
constexpr char kPurposeValidation[] = "validation";

bool IsFhirId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<nlohmann::json> RequestReference(const nlohmann::json& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> id, StringOf(request, kType, "id", false));
  if (id.has_value()) {
    if (!IsFhirId(*id)) return ErrorAt(absl::StrCat(kType, ".id"), "must be 1 to 64 of [A-Za-z0-9-.]");
    return nlohmann::json{{"reference", absl::StrCat(kType, "/", *id)}};
  }
  ASSIGN_OR_RETURN(nlohmann::json identifier, FirstIdentifier(request, kType));
  if (identifier.is_null()) return identifier;
  return nlohmann::json{{"type", kType}, {"identifier", std::move(identifier)}};
}

}  // namespace

absl::StatusOr<EligibilityQuery> ReadEligibilityRequest(absl::string_view body) {
  ASSIGN_OR_RETURN(nlohmann::json request, ReadResource(body, kType));
  EligibilityQuery query;
  ASSIGN_OR_RETURN(std::optional<std::string> status, StringOf(request, kType, "status", true));
  if (*status != "active") return ErrorAt(absl::StrCat(kType, ".status"), "only an active request is answered");
  ASSIGN_OR_RETURN(std::vector<const nlohmann::json*> purposes, ArrayOf(request, kType, "purpose", 1, 4));
  bool validation = false;
  for (const nlohmann::json* purpose : purposes) {
    if (!purpose->is_string()) return ErrorAt(absl::StrCat(kType, ".purpose"), "must be codes");
    const std::string& code = purpose->get_ref<const std::string&>();
    if (code != "auth-requirements" && code != "benefits" && code != "discovery" && code != kPurposeValidation) {
      return ErrorAt(absl::StrCat(kType, ".purpose"), "auth-requirements, benefits, discovery or validation");
    }
    validation = validation || code == kPurposeValidation;
  }
  if (!validation) {
    return ErrorAt(absl::StrCat(kType, ".purpose"), "must hold validation (the only purpose answered)");
  }
  ASSIGN_OR_RETURN(const nlohmann::json* patient, Required(request, kType, "patient"));
  ASSIGN_OR_RETURN(query.beneficiary_id, BeneficiaryOfReference(*patient, absl::StrCat(kType, ".patient")));
  RETURN_IF_ERROR(DayOfDateTime(request, kType, "created").status());
  ASSIGN_OR_RETURN(const nlohmann::json* insurer, ObjectOf(request, kType, "insurer", true));
  (void)insurer;
  if (Find(request, "servicedDate") != nullptr) {
    ASSIGN_OR_RETURN(query.date, DateOf(request, kType, "servicedDate"));
  } else if (Find(request, "servicedPeriod") != nullptr) {
    ASSIGN_OR_RETURN(const nlohmann::json* period, ObjectOf(request, kType, "servicedPeriod", true));
    ASSIGN_OR_RETURN(query.date, DayOfDateTime(*period, absl::StrCat(kType, ".servicedPeriod"), "start"));
  }
  ASSIGN_OR_RETURN(query.request_reference, RequestReference(request));
  return query;
}

nlohmann::json EligibilityResponse(const EligibilityQuery& query, const beneficiary::v1::EligibilityAnswer& answer,
                                   const Fund& fund, absl::Time now, absl::string_view response_id) {
  nlohmann::json request = query.request_reference;
  if (request.is_null()) {
    request = {{"type", kType}, {"identifier", {{"system", kRequestIdSystem}, {"value", response_id}}}};
  }
  nlohmann::json response = {{"resourceType", "CoverageEligibilityResponse"},
                             {"id", response_id},
                             {"status", "active"},
                             {"purpose", nlohmann::json::array({kPurposeValidation})},
                             {"patient", PatientReference(query.beneficiary_id)},
                             {"servicedDate", answer.date()},
                             {"created", DateTimeOf(now)},
                             {"request", std::move(request)},
                             {"outcome", "complete"},
                             {"insurer", FundReference(fund)}};
  const std::string& reason = answer.reason();
  if (!answer.covered() && reason == "NOT_REGISTERED") {
    response["disposition"] = "Nobody is registered under this id";
    response["error"] = nlohmann::json::array(
        {{{"code", Concept(kEligibilityReasonSystem, reason, EligibilityReasonDisplay(reason))}}});
    return response;
  }
  nlohmann::json coverage = {{"type", "Coverage"},
                             {"identifier", {{"system", kBeneficiaryIdSystem}, {"value", query.beneficiary_id}}}};
  if (!answer.program().empty()) coverage["display"] = answer.program();
  nlohmann::json insurance = {{"coverage", std::move(coverage)}, {"inforce", answer.covered()}};
  if (answer.covered() && !answer.covered_until().empty()) {
    insurance["benefitPeriod"] = {{"start", answer.date()}, {"end", answer.covered_until()}};
  }
  if (!answer.covered()) {
    insurance["extension"] = nlohmann::json::array(
        {{{"url", kNotCoveredReasonExtension},
          {"valueCodeableConcept", Concept(kEligibilityReasonSystem, reason, EligibilityReasonDisplay(reason))}}});
  }
  response["disposition"] = answer.covered() ? "Covered" : absl::StrCat("Not covered: ", reason);
  response["insurance"] = nlohmann::json::array({std::move(insurance)});
  return response;
}

}  // namespace himaya::gateway::fhir
