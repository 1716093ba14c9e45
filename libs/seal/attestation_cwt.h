// The claims a seal signs, as a CWT claims set (RFC 8392): issuer, issued-at and expiry as
// registered claims, and the attestation in one private claim, a map with small integer keys:
//   { 1 (iss): "himaya", 6 (iat): seconds, 4 (exp): seconds,
//     -65537 (attestation): { 1: attestation_id, 2: registration_number, 3: first_name,
//       4: last_name, 5: program, 6: issued_on, 7: valid_until,
//       8: [ { 1: beneficiary_id, 2: relationship (2 SPOUSE, 3 CHILD), 3: first_name,
//              4: last_name, 5: birth_date }, ... ] } }
// Days are integers counted from 1970-01-01 (RFC 8943's days since the epoch, untagged).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "seal/attestation_claims.h"

namespace himaya::seal {

inline constexpr absl::string_view kIssuer = "himaya";
// Private use (below -65536, RFC 8392 section 9.1): the attestation claim.
inline constexpr int64_t kAttestationClaimKey = -65537;

struct SealedClaims {
  absl::Time issued_at;
  absl::Time expires_at;
  AttestationClaims attestation;
};

// The CBOR of `claims` (whole seconds: the sub-second part of the times is dropped).
absl::StatusOr<std::string> EncodeSealedClaims(const SealedClaims& claims);

// Reads a claims set of this shape. INVALID_ARGUMENT naming the first fault: not CBOR within the
// seal's limits, a missing or duplicated claim, a wrong type, another issuer, an unknown key in
// the attestation or a member, or an attestation CheckAttestationClaims refuses. Unknown claims
// of the claims set itself are ignored, as RFC 8392 asks.
absl::StatusOr<SealedClaims> DecodeSealedClaims(absl::string_view bytes);

}  // namespace himaya::seal
