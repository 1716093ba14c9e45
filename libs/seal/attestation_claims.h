// What a registration certificate's QR code holds: what the certificate prints, no more (no CIN,
// no phone, no address, no sex). The beneficiary service fills it to sign; a verifier reads it
// back from Open.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace himaya::seal {

// The numbers are beneficiary.proto's Relationship values, which the seal also writes.
enum class MemberRelationship { kSpouse = 2, kChild = 3 };

struct AttestationMember {
  std::string beneficiary_id;
  MemberRelationship relationship = MemberRelationship::kChild;
  std::string first_name;
  std::string last_name;
  absl::CivilDay birth_date;
};

struct AttestationClaims {
  std::string attestation_id;
  std::string registration_number;
  std::string first_name;  // of the insured
  std::string last_name;
  std::string program;
  absl::CivilDay issued_on;
  absl::CivilDay valid_until;  // the last day the certificate is valid
  std::vector<AttestationMember> members;
};

bool operator==(const AttestationMember& a, const AttestationMember& b);
bool operator==(const AttestationClaims& a, const AttestationClaims& b);

// Bounds on a claim set, so that every certificate's QR code stays readable.
inline constexpr size_t kMaxIdLength = 64;     // attestation id, beneficiary id, program
inline constexpr size_t kMaxNameLength = 100;  // bytes of UTF-8 of one name
inline constexpr size_t kMaxMembers = 24;
inline constexpr absl::CivilDay kEarliestDay{1900, 1, 1};
inline constexpr absl::CivilDay kLatestDay{2199, 12, 31};

// OK when `claims` may be sealed: ids and program of 1..64 printable ASCII characters, a valid
// registration number, names of 1..100 bytes of valid UTF-8, days within 1900..2199, valid_until
// not before issued_on, birth dates not after issued_on, at most 24 members. Otherwise
// INVALID_ARGUMENT naming the field (members by index), never its value.
absl::Status CheckAttestationClaims(const AttestationClaims& claims);

}  // namespace himaya::seal
