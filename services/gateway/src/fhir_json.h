// FHIR R4 JSON as the gateway's /fhir/r4 routes read and write it: the systems of our
// identifiers and codes, a resource read from a request body (bounded, no key repeated), its
// elements read with their location so that an error names the element at fault
// ("Claim.item[0].quantity: ..."), and the small datatypes written back (Reference, Coding,
// Money in MAD, dateTime).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/src/api_error.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

inline constexpr char kContentType[] = "application/fhir+json";
inline constexpr char kFhirVersion[] = "4.0.1";

// Identifier systems (NamingSystem-like URIs of the fund).
inline constexpr char kRegistrationNumberSystem[] = "https://himaya.ma/fhir/sid/registration-number";
inline constexpr char kBeneficiaryIdSystem[] = "https://himaya.ma/fhir/sid/beneficiary-id";
inline constexpr char kClaimIdSystem[] = "https://himaya.ma/fhir/sid/claim-id";
inline constexpr char kOrganizationSystem[] = "https://himaya.ma/fhir/sid/organization";
inline constexpr char kRequestIdSystem[] = "https://himaya.ma/fhir/sid/request-id";
// Code systems: the acts of the national reference tariff (TNR), the claims service's reasons
// for rejecting an item, beneficiary's reasons for not covering someone.
inline constexpr char kTnrActSystem[] = "https://himaya.ma/fhir/CodeSystem/tnr-act";
inline constexpr char kClaimReasonSystem[] = "https://himaya.ma/fhir/CodeSystem/claim-reason";
inline constexpr char kEligibilityReasonSystem[] = "https://himaya.ma/fhir/CodeSystem/eligibility-reason";
// The extension on CoverageEligibilityResponse.insurance giving why it is not in force.
inline constexpr char kNotCoveredReasonExtension[] = "https://himaya.ma/fhir/StructureDefinition/not-covered-reason";

// The largest resource a client may send, and how deeply its JSON may nest.
inline constexpr size_t kMaxResourceBytes = 64 * 1024;
inline constexpr int kMaxJsonDepth = 16;
// The longest string element read (identifiers, codes, references).
inline constexpr size_t kMaxStringLength = 256;

// The payer named in Coverage.payor and as insurer.
struct Fund {
  std::string id = "CNSS";
  std::string name = "Caisse nationale de sécurité sociale (AMO)";
};

// INVALID_ARGUMENT "<path>: <what>".
absl::Status ErrorAt(absl::string_view path, absl::string_view what);
// An error for a FHIR answer: a "<Resource.path>: what" message gives its path as the field
// (the OperationOutcome's expression); other messages as ErrorFromStatus.
ApiError FhirError(const absl::Status& status);

// The resource in a request body: at most kMaxResourceBytes, JSON nested at most kMaxJsonDepth
// deep, no key repeated in an object, an object whose resourceType is `type`. INVALID_ARGUMENT
// naming what is wrong (the path `type` or "resourceType").
absl::StatusOr<nlohmann::json> ReadResource(absl::string_view body, absl::string_view type);

// The element `name` of `object` (at `path`), or nullptr when absent or null.
const nlohmann::json* Find(const nlohmann::json& object, absl::string_view name);
// The same, INVALID_ARGUMENT "<path>.<name>: required" when absent.
absl::StatusOr<const nlohmann::json*> Required(const nlohmann::json& object, absl::string_view path,
                                               absl::string_view name);
// A string element: non-empty, at most kMaxStringLength, no control character. nullopt when
// absent and not `required`.
absl::StatusOr<std::optional<std::string>> StringOf(const nlohmann::json& object, absl::string_view path,
                                                    absl::string_view name, bool required);
// An array element of `min` to `max` entries (an absent one counts 0 entries).
absl::StatusOr<std::vector<const nlohmann::json*>> ArrayOf(const nlohmann::json& object, absl::string_view path,
                                                           absl::string_view name, size_t min, size_t max);
// An object element (a datatype: Reference, CodeableConcept, Money, ...).
absl::StatusOr<const nlohmann::json*> ObjectOf(const nlohmann::json& object, absl::string_view path,
                                               absl::string_view name, bool required);

// A date element, YYYY-MM-DD and a real day.
absl::StatusOr<std::string> DateOf(const nlohmann::json& object, absl::string_view path, absl::string_view name);
// The day of a dateTime element (YYYY-MM-DD, or with a time and its offset: the day as
// written).
absl::StatusOr<std::string> DayOfDateTime(const nlohmann::json& object, absl::string_view path, absl::string_view name);
// Money (value and an optional currency, MAD only) in centimes: above 0, at most two decimals,
// at most 10,000,000 MAD.
absl::StatusOr<int64_t> CentimesOf(const nlohmann::json& money, absl::string_view path);
// A whole number from 1 to `max` (SimpleQuantity.value, positiveInt, ...).
absl::StatusOr<int64_t> PositiveIntegerOf(const nlohmann::json& value, absl::string_view path, int64_t max);
// The code of `system` in a CodeableConcept; INVALID_ARGUMENT when it holds none.
absl::StatusOr<std::string> CodeIn(const nlohmann::json& concept, absl::string_view path, absl::string_view system);

// The resource's first identifier as {"system"?, "value"} (value required, system optional);
// null when it has none. At most 8 identifiers.
absl::StatusOr<nlohmann::json> FirstIdentifier(const nlohmann::json& resource, absl::string_view type);

// The beneficiary a Patient reference names: {"reference": "Patient/<id>"}, or {"identifier":
// {"system": registration-number or beneficiary-id, "value": id}}. The id is the insured's
// registration number or NUMBER-NN (a dependent), checked.
absl::StatusOr<std::string> BeneficiaryOfReference(const nlohmann::json& reference, absl::string_view path);
// OK for a registration number or NUMBER-NN with NN 01 to 99; INVALID_ARGUMENT at `path` (the
// value is not echoed).
absl::Status CheckBeneficiaryId(absl::string_view beneficiary_id, absl::string_view path);
// The insured's registration number of a beneficiary id (the id itself for the insured).
std::string InsuredOf(absl::string_view beneficiary_id);

// Written datatypes.
nlohmann::json Coding(absl::string_view system, absl::string_view code, absl::string_view display = {});
// A CodeableConcept of one coding.
nlohmann::json Concept(absl::string_view system, absl::string_view code, absl::string_view display = {});
// A Patient reference by identifier: the insured by registration number, a dependent by
// beneficiary id.
nlohmann::json PatientReference(absl::string_view beneficiary_id);
// The fund as an Organization reference.
nlohmann::json FundReference(const Fund& fund);
// {"value": 150.5, "currency": "MAD"}.
nlohmann::json Money(int64_t centimes);
// An instant as a dateTime (RFC 3339 in UTC, to the second).
std::string DateTimeOf(absl::Time time);

}  // namespace himaya::gateway::fhir
