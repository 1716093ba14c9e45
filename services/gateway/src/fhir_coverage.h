// Coverage in FHIR R4: GET /fhir/r4/Coverage?beneficiary=<id> answers a searchset Bundle with
// one Coverage per coverage period of the beneficiary (beneficiary's ListFamily of their
// insured): status active or cancelled, the beneficiary and the insured (subscriber) by
// identifier, the fund as payor, the program as class "plan", and the period.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gateway/src/fhir_json.h"
#include "gateway/src/http_exchange.h"
#include "himaya/beneficiary/v1/beneficiary.pb.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

// The beneficiary id a search names: `beneficiary=<id>` or `beneficiary=Patient/<id>`, or
// `beneficiary:identifier=<system>|<id>` (registration-number or beneficiary-id system).
// INVALID_ARGUMENT "Coverage.beneficiary: ..." when none is given or it is malformed.
absl::StatusOr<std::string> BeneficiaryOfSearch(const HttpRequest& request);

// The Coverage of `beneficiary`'s period `period` (an index of beneficiary.periods()); active
// unless the period ended before `today`, or it is the one in force today and beneficiary says
// the person is not covered today for a reason other than a start to come.
nlohmann::json CoverageOf(const beneficiary::v1::Beneficiary& beneficiary, int period, const Fund& fund,
                          absl::CivilDay today);

// The searchset Bundle for `beneficiary_id` in `family` (the insured's ListFamily; nullptr when
// beneficiary does not know the insured): its Coverages, newest period first; none (total 0)
// when the id is not in the family.
nlohmann::json CoverageBundle(const beneficiary::v1::ListFamilyResponse* family, absl::string_view beneficiary_id,
                              const Fund& fund, absl::CivilDay today);

}  // namespace himaya::gateway::fhir
