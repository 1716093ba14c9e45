// Resources a partner sends, valid, for the FHIR tests to change one element at a time.
#pragma once

#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

// A Claim for 100000017-01: a consultation (C) and two units of PH.12, paid 150.00 and 2 × 20.25.
inline nlohmann::json SampleClaim() {
  return nlohmann::json::parse(R"({
    "resourceType": "Claim",
    "identifier": [{"system": "https://clinic-atlas.ma/claims", "value": "CA-2026-0001"}],
    "status": "active",
    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}]},
    "use": "claim",
    "patient": {"identifier": {"system": "https://himaya.ma/fhir/sid/beneficiary-id", "value": "100000017-01"}},
    "created": "2026-05-08T10:15:00+01:00",
    "provider": {"display": "Clinique Atlas"},
    "priority": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal"}]},
    "insurance": [{"sequence": 1, "focal": true, "coverage": {"reference": "Coverage/100000017-01.20260101"}}],
    "item": [
      {"sequence": 1,
       "productOrService": {"coding": [{"system": "https://himaya.ma/fhir/CodeSystem/tnr-act", "code": "C"}]},
       "servicedDate": "2026-05-02", "quantity": {"value": 1}, "net": {"value": 150.00, "currency": "MAD"}},
      {"sequence": 2,
       "productOrService": {"coding": [{"system": "https://himaya.ma/fhir/CodeSystem/tnr-act", "code": "PH.12"}]},
       "servicedDate": "2026-05-08", "quantity": {"value": 2}, "unitPrice": {"value": 20.25, "currency": "MAD"}}
    ]
  })");
}

// A CoverageEligibilityRequest: is 100000017 covered on 2026-06-01?
inline nlohmann::json SampleEligibilityRequest() {
  return nlohmann::json::parse(R"({
    "resourceType": "CoverageEligibilityRequest",
    "id": "elig-1",
    "status": "active",
    "purpose": ["validation"],
    "patient": {"reference": "Patient/100000017"},
    "servicedDate": "2026-06-01",
    "created": "2026-05-30",
    "insurer": {"identifier": {"system": "https://himaya.ma/fhir/sid/organization", "value": "CNSS"}}
  })");
}

}  // namespace himaya::gateway::fhir
