// The registration certificate (attestation d'immatriculation) as plain data: who is insured,
// under which program, which family members are covered on the day it is issued, until when it
// is valid, and the signed text its QR code carries. The beneficiary service fills it from its
// own data; RenderAttestationPdf (attestation/attestation_pdf.h) draws it. It holds no proto,
// SQL or rendering type.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace himaya::attestation {

// A person's names as the certificate prints them: in Latin script (always), and in Arabic
// script when the registry knows them (empty otherwise; the Arabic side then shows the Latin
// names).
struct PersonNames {
  std::string first_name;
  std::string last_name;
  std::string first_name_ar;
  std::string last_name_ar;
};

// How a covered family member is related to the insured.
enum class Relationship { kSpouse, kChild };

struct FamilyMember {
  Relationship relationship = Relationship::kChild;
  PersonNames names;
  absl::CivilDay birth_date;
  std::string beneficiary_id;
};

struct AttestationDocument {
  std::string attestation_id;
  std::string registration_number;
  PersonNames insured;
  std::string program;           // its code, e.g. "amo-tadamon"
  std::string program_label;     // as printed in French, e.g. "AMO Tadamon"
  std::string program_label_ar;  // and in Arabic (empty: the French label on both sides)
  std::string fund_name;         // the issuing fund, as printed in French
  std::string fund_name_ar;      // and in Arabic (empty: the French name on both sides)
  absl::CivilDay issued_on;
  absl::CivilDay valid_until;
  // The family covered on `issued_on`, in the order printed (the insured is not among them).
  std::vector<FamilyMember> members;
  // What the QR code carries: the signed payload (e.g. "HMY1:..." in the Base45 alphabet).
  std::string qr_text;
};

// Bounds of what a certificate holds, so that a request cannot make the renderer draw without
// end. A family of kMaxMembers fits on a few pages.
inline constexpr size_t kMaxMembers = 40;
inline constexpr size_t kMaxNameCodePoints = 64;   // each name, each label, the fund's name
inline constexpr size_t kMaxIdentifierBytes = 64;  // attestation id, number, beneficiary ids
inline constexpr size_t kMaxQrTextBytes = 1500;    // decodable from a 150-dpi rendering

// OK when `document` can be drawn; otherwise INVALID_ARGUMENT naming the first field at fault
// and the rule it breaks ("members[2].names.last_name: empty"), never the field's value (names
// are personal data). Required: attestation id, registration number, the insured's Latin names,
// the program, its label, the fund's name, each member's Latin names and beneficiary id, and
// the QR text; valid_until not before issued_on; every text valid UTF-8 without control
// characters and within the bounds above; the QR text printable ASCII.
absl::Status CheckAttestationDocument(const AttestationDocument& document);

}  // namespace himaya::attestation
