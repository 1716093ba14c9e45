// CoverageEligibilityRequest -> CoverageEligibilityResponse (POST /fhir/r4/
// CoverageEligibilityRequest): a clinic asks whether a patient is covered on a day (purpose
// validation), beneficiary's CheckEligibility answers, and the answer is the response: the
// coverage in force or not, and when not, why (beneficiary's reason code, eligibility-reason).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/src/fhir_json.h"
#include "himaya/beneficiary/v1/beneficiary.pb.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

// What a CoverageEligibilityRequest asks.
struct EligibilityQuery {
  // The patient: the insured's registration number or a dependent's NUMBER-NN.
  std::string beneficiary_id;
  // YYYY-MM-DD (servicedDate, or servicedPeriod.start); empty: today.
  std::string date;
  // The request as the response names it (its id, else its first identifier); null when it
  // has neither (the gateway's request id is named then).
  nlohmann::json request_reference;
};

// Reads and checks a CoverageEligibilityRequest: R4's required elements (status active,
// purpose holding validation, patient, created, insurer), the patient's id, the date.
// INVALID_ARGUMENT naming the element ("CoverageEligibilityRequest.patient: ...").
absl::StatusOr<EligibilityQuery> ReadEligibilityRequest(absl::string_view body);

// The response to `query` from beneficiary's `answer`, created at `now`, with `response_id`
// (the gateway's request id) as its id. Not covered: insurance[0].inforce false with the reason
// in the not-covered-reason extension; NOT_REGISTERED (nobody by that id): no insurance and the
// reason in error[0].code.
nlohmann::json EligibilityResponse(const EligibilityQuery& query, const beneficiary::v1::EligibilityAnswer& answer,
                                   const Fund& fund, absl::Time now, absl::string_view response_id);

}  // namespace himaya::gateway::fhir
