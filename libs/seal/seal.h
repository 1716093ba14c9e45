// The signed QR payload of a registration certificate, verifiable offline by anyone who holds
// the issuer's public keys: the attestation's claims in a CWT claims set (CBOR), signed as a
// COSE_Sign1 with Ed25519 under a key id, compressed with zlib, written in Base45, behind the
// prefix "HMY1:" (the format's version). The beneficiary service seals; `himaya attestation
// verify` and VerifyAttestation open. README.md in this directory describes the format.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "seal/attestation_claims.h"
#include "seal/keys.h"
#include "seal/refusal.h"

namespace himaya::seal {

inline constexpr absl::string_view kSealPrefix = "HMY1:";
// The most a QR code holds in its alphanumeric mode (version 40, low error correction).
inline constexpr size_t kMaxSealTextLength = 4296;
// The most the Base45 and zlib layers may unpack to: the signed COSE_Sign1.
inline constexpr size_t kMaxSignedBytes = 8192;
// How far ahead of the verifier's clock a seal's issue time may be (a phone's clock is often
// behind by minutes).
inline constexpr absl::Duration kClockSkew = absl::Hours(1);

// The end of an attestation's last valid day `valid_until` in the issuer's time zone `zone`
// (the midnight after it there): the instant it expires, offline and online alike.
absl::Time ExpiryOf(absl::CivilDay valid_until, absl::TimeZone zone);
// The seal's expiry: ExpiryOf the claims' valid_until in `zone`.
absl::Time SealExpiry(const AttestationClaims& claims, absl::TimeZone zone = absl::UTCTimeZone());

// The text of the QR code for `claims`, signed by `key` at `now`, expiring at the end of
// valid_until in `zone` (SealExpiry). INVALID_ARGUMENT when CheckAttestationClaims refuses the
// claims, when the attestation has already expired at `now`, or when the result would not fit a
// QR code (kMaxSealTextLength).
absl::StatusOr<std::string> Seal(const AttestationClaims& claims, const SigningKey& key, absl::Time now,
                                 absl::TimeZone zone = absl::UTCTimeZone());

// The claims of a sealed `text`, checked against `ring` at `now`. A refusal otherwise (see
// refusal.h: RefusalOf tells which): MALFORMED for anything that is not a seal of this format
// (too long, prefix, Base45, zlib, CBOR, shape, claims), UNKNOWN_KEY when its kid is not in
// `ring`, BAD_SIGNATURE when the signature does not verify, EXPIRED at or after its expiry,
// NOT_YET_VALID when issued more than kClockSkew after `now`. The signature is checked before
// the claims are read.
absl::StatusOr<AttestationClaims> Open(absl::string_view text, const KeyRing& ring, absl::Time now);

}  // namespace himaya::seal
