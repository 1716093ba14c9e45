#include "seal/attestation_claims.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "core/utf8.h"
#include "identity/registration_number.h"

namespace himaya::seal {
namespace {

absl::Status CheckId(absl::string_view id, absl::string_view field) {
  if (id.empty() || id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be 1 to ", kMaxIdLength, " characters"));
  }
  for (char c : id) {
    if (c < 0x21 || c > 0x7E) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": must be printable ASCII without spaces"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckName(absl::string_view name, absl::string_view field) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be 1 to ", kMaxNameLength, " bytes"));
  }
  if (!core::IsValidUtf8(name)) return absl::InvalidArgumentError(absl::StrCat(field, ": is not valid UTF-8"));
  return absl::OkStatus();
}

absl::Status CheckDay(absl::CivilDay day, absl::string_view field) {
  if (day < kEarliestDay || day > kLatestDay) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be within ", kEarliestDay.year(), " to ", kLatestDay.year()));
  }
  return absl::OkStatus();
}

}  // namespace

bool operator==(const AttestationMember& a, const AttestationMember& b) {
  return a.beneficiary_id == b.beneficiary_id && a.relationship == b.relationship && a.first_name == b.first_name &&
         a.last_name == b.last_name && a.birth_date == b.birth_date;
}

bool operator==(const AttestationClaims& a, const AttestationClaims& b) {
  return a.attestation_id == b.attestation_id && a.registration_number == b.registration_number &&
         a.first_name == b.first_name && a.last_name == b.last_name && a.program == b.program &&
         a.issued_on == b.issued_on && a.valid_until == b.valid_until && a.members == b.members;
}

absl::Status CheckAttestationClaims(const AttestationClaims& claims) {
  RETURN_IF_ERROR(CheckId(claims.attestation_id, "attestation_id"));
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(claims.registration_number));
  RETURN_IF_ERROR(CheckName(claims.first_name, "first_name"));
  RETURN_IF_ERROR(CheckName(claims.last_name, "last_name"));
  RETURN_IF_ERROR(CheckId(claims.program, "program"));
  RETURN_IF_ERROR(CheckDay(claims.issued_on, "issued_on"));
  RETURN_IF_ERROR(CheckDay(claims.valid_until, "valid_until"));
  if (claims.valid_until < claims.issued_on) {
    return absl::InvalidArgumentError("valid_until: must not be before issued_on");
  }
  if (claims.members.size() > kMaxMembers) {
    return absl::InvalidArgumentError(absl::StrCat("members: at most ", kMaxMembers));
  }
  for (size_t i = 0; i < claims.members.size(); ++i) {
    const AttestationMember& member = claims.members[i];
    const std::string field = absl::StrCat("members[", i, "]");
    RETURN_IF_ERROR(CheckId(member.beneficiary_id, absl::StrCat(field, ".beneficiary_id")));
    if (member.relationship != MemberRelationship::kSpouse && member.relationship != MemberRelationship::kChild) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".relationship: must be SPOUSE or CHILD"));
    }
    RETURN_IF_ERROR(CheckName(member.first_name, absl::StrCat(field, ".first_name")));
    RETURN_IF_ERROR(CheckName(member.last_name, absl::StrCat(field, ".last_name")));
    RETURN_IF_ERROR(CheckDay(member.birth_date, absl::StrCat(field, ".birth_date")));
    if (member.birth_date > claims.issued_on) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".birth_date: must not be after issued_on"));
    }
  }
  return absl::OkStatus();
}

}  // namespace himaya::seal
