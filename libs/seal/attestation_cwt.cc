#include "seal/attestation_cwt.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "seal/cbor_items.h"

namespace himaya::seal {
namespace {

// CWT claim keys (RFC 8392 section 4).
constexpr int64_t kIss = 1;
constexpr int64_t kExp = 4;
constexpr int64_t kIat = 6;

// Keys of the attestation map.
enum AttestationKey : int64_t {
  kAttestationId = 1,
  kRegistrationNumber = 2,
  kFirstName = 3,
  kLastName = 4,
  kProgram = 5,
  kIssuedOn = 6,
  kValidUntil = 7,
  kMembers = 8,
};
constexpr size_t kAttestationKeys = 8;

// Keys of a member's map.
enum MemberKey : int64_t {
  kBeneficiaryId = 1,
  kRelationship = 2,
  kMemberFirstName = 3,
  kMemberLastName = 4,
  kBirthDate = 5,
};
constexpr size_t kMemberKeys = 5;

// Claims set, attestation, members, a member: four levels; each member is 11 items.
constexpr CborLimits kClaimsLimits{/*max_depth=*/4, /*max_items=*/64 + 11 * kMaxMembers, /*max_tags=*/0};

constexpr absl::CivilDay kEpochDay{1970, 1, 1};

using Entries = absl::flat_hash_map<int64_t, const cbor_item_t*>;
using Pairs = std::vector<std::pair<CborItem, CborItem>>;

CborItem Day(absl::CivilDay day) { return CborInt(day - kEpochDay); }

CborItem EncodeMember(const AttestationMember& member) {
  Pairs pairs;
  pairs.emplace_back(CborInt(kBeneficiaryId), CborText(member.beneficiary_id));
  pairs.emplace_back(CborInt(kRelationship), CborInt(static_cast<int64_t>(member.relationship)));
  pairs.emplace_back(CborInt(kMemberFirstName), CborText(member.first_name));
  pairs.emplace_back(CborInt(kMemberLastName), CborText(member.last_name));
  pairs.emplace_back(CborInt(kBirthDate), Day(member.birth_date));
  return CborMap(std::move(pairs));
}

CborItem EncodeAttestation(const AttestationClaims& claims) {
  std::vector<CborItem> members;
  for (const AttestationMember& member : claims.members) members.push_back(EncodeMember(member));
  Pairs pairs;
  pairs.emplace_back(CborInt(kAttestationId), CborText(claims.attestation_id));
  pairs.emplace_back(CborInt(kRegistrationNumber), CborText(claims.registration_number));
  pairs.emplace_back(CborInt(kFirstName), CborText(claims.first_name));
  pairs.emplace_back(CborInt(kLastName), CborText(claims.last_name));
  pairs.emplace_back(CborInt(kProgram), CborText(claims.program));
  pairs.emplace_back(CborInt(kIssuedOn), Day(claims.issued_on));
  pairs.emplace_back(CborInt(kValidUntil), Day(claims.valid_until));
  pairs.emplace_back(CborInt(kMembers), CborArray(std::move(members)));
  return CborMap(std::move(pairs));
}

// The value under `key`, which must be there.
absl::StatusOr<const cbor_item_t*> Required(const Entries& entries, int64_t key, absl::string_view what) {
  const auto found = entries.find(key);
  if (found == entries.end()) return absl::InvalidArgumentError(absl::StrCat(what, ": missing"));
  return found->second;
}

// Exactly the keys 1..`count`.
absl::Status CheckKeys(const Entries& entries, size_t count, absl::string_view what) {
  for (const auto& entry : entries) {
    if (entry.first < 1 || entry.first > static_cast<int64_t>(count)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": unknown key ", entry.first));
    }
  }
  if (entries.size() != count) return absl::InvalidArgumentError(absl::StrCat(what, ": a field is missing"));
  return absl::OkStatus();
}

absl::StatusOr<std::string> TextAt(const Entries& entries, int64_t key, absl::string_view what) {
  ASSIGN_OR_RETURN(const cbor_item_t* item, Required(entries, key, what));
  return ReadText(item, what);
}

absl::StatusOr<absl::CivilDay> DayAt(const Entries& entries, int64_t key, absl::string_view what) {
  ASSIGN_OR_RETURN(const cbor_item_t* item, Required(entries, key, what));
  ASSIGN_OR_RETURN(int64_t days, ReadInt(item, what));
  // Bounded before adding, so that a huge count cannot overflow the civil day.
  if (days < kEarliestDay - kEpochDay || days > kLatestDay - kEpochDay) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": outside ", kEarliestDay.year(), " to ", kLatestDay.year()));
  }
  return kEpochDay + days;
}

absl::StatusOr<AttestationMember> DecodeMember(const cbor_item_t* item, size_t index) {
  const std::string what = absl::StrCat("attestation member ", index);
  ASSIGN_OR_RETURN(Entries entries, ReadIntKeyedMap(item, what));
  RETURN_IF_ERROR(CheckKeys(entries, kMemberKeys, what));
  AttestationMember member;
  ASSIGN_OR_RETURN(member.beneficiary_id, TextAt(entries, kBeneficiaryId, absl::StrCat(what, " beneficiary_id")));
  ASSIGN_OR_RETURN(const cbor_item_t* relationship_item,
                   Required(entries, kRelationship, absl::StrCat(what, " relationship")));
  ASSIGN_OR_RETURN(int64_t relationship, ReadInt(relationship_item, absl::StrCat(what, " relationship")));
  if (relationship != static_cast<int64_t>(MemberRelationship::kSpouse) &&
      relationship != static_cast<int64_t>(MemberRelationship::kChild)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " relationship: neither SPOUSE nor CHILD"));
  }
  member.relationship = static_cast<MemberRelationship>(relationship);
  ASSIGN_OR_RETURN(member.first_name, TextAt(entries, kMemberFirstName, absl::StrCat(what, " first_name")));
  ASSIGN_OR_RETURN(member.last_name, TextAt(entries, kMemberLastName, absl::StrCat(what, " last_name")));
  ASSIGN_OR_RETURN(member.birth_date, DayAt(entries, kBirthDate, absl::StrCat(what, " birth_date")));
  return member;
}

absl::StatusOr<AttestationClaims> DecodeAttestation(const cbor_item_t* item) {
  ASSIGN_OR_RETURN(Entries entries, ReadIntKeyedMap(item, "attestation"));
  RETURN_IF_ERROR(CheckKeys(entries, kAttestationKeys, "attestation"));
  AttestationClaims claims;
  ASSIGN_OR_RETURN(claims.attestation_id, TextAt(entries, kAttestationId, "attestation_id"));
  ASSIGN_OR_RETURN(claims.registration_number, TextAt(entries, kRegistrationNumber, "registration_number"));
  ASSIGN_OR_RETURN(claims.first_name, TextAt(entries, kFirstName, "first_name"));
  ASSIGN_OR_RETURN(claims.last_name, TextAt(entries, kLastName, "last_name"));
  ASSIGN_OR_RETURN(claims.program, TextAt(entries, kProgram, "program"));
  ASSIGN_OR_RETURN(claims.issued_on, DayAt(entries, kIssuedOn, "issued_on"));
  ASSIGN_OR_RETURN(claims.valid_until, DayAt(entries, kValidUntil, "valid_until"));
  ASSIGN_OR_RETURN(const cbor_item_t* members_item, Required(entries, kMembers, "members"));
  ASSIGN_OR_RETURN(std::vector<const cbor_item_t*> members, ReadArray(members_item, "members"));
  if (members.size() > kMaxMembers) {
    return absl::InvalidArgumentError(absl::StrCat("members: more than ", kMaxMembers));
  }
  for (size_t i = 0; i < members.size(); ++i) {
    ASSIGN_OR_RETURN(AttestationMember member, DecodeMember(members[i], i));
    claims.members.push_back(std::move(member));
  }
  RETURN_IF_ERROR(CheckAttestationClaims(claims));
  return claims;
}

absl::StatusOr<absl::Time> SecondsAt(const Entries& entries, int64_t key, absl::string_view what) {
  ASSIGN_OR_RETURN(const cbor_item_t* item, Required(entries, key, what));
  ASSIGN_OR_RETURN(int64_t seconds, ReadInt(item, what));
  return absl::FromUnixSeconds(seconds);
}

}  // namespace

absl::StatusOr<std::string> EncodeSealedClaims(const SealedClaims& claims) {
  Pairs pairs;
  pairs.emplace_back(CborInt(kIss), CborText(kIssuer));
  pairs.emplace_back(CborInt(kIat), CborInt(absl::ToUnixSeconds(claims.issued_at)));
  pairs.emplace_back(CborInt(kExp), CborInt(absl::ToUnixSeconds(claims.expires_at)));
  pairs.emplace_back(CborInt(kAttestationClaimKey), EncodeAttestation(claims.attestation));
  return Serialize(CborMap(std::move(pairs)));
}

absl::StatusOr<SealedClaims> DecodeSealedClaims(absl::string_view bytes) {
  ASSIGN_OR_RETURN(CborItem root, DecodeCbor(bytes, kClaimsLimits));
  ASSIGN_OR_RETURN(Entries entries, ReadIntKeyedMap(root.get(), "claims"));
  ASSIGN_OR_RETURN(std::string issuer, TextAt(entries, kIss, "iss"));
  if (issuer != kIssuer) return absl::InvalidArgumentError("iss: not a himaya attestation");
  SealedClaims claims;
  ASSIGN_OR_RETURN(claims.issued_at, SecondsAt(entries, kIat, "iat"));
  ASSIGN_OR_RETURN(claims.expires_at, SecondsAt(entries, kExp, "exp"));
  ASSIGN_OR_RETURN(const cbor_item_t* attestation, Required(entries, kAttestationClaimKey, "attestation"));
  ASSIGN_OR_RETURN(claims.attestation, DecodeAttestation(attestation));
  return claims;
}

}  // namespace himaya::seal
