#include "seal/seal.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"
#include "seal/attestation_cwt.h"
#include "seal/base45.h"
#include "seal/compression.h"
#include "seal/cose_sign1.h"

namespace himaya::seal {
namespace {

// The layers below Open name what they refuse; Open says it is malformed.
template <typename T>
absl::StatusOr<T> Malformed(absl::StatusOr<T> result) {
  if (result.ok()) return result;
  return Refuse(Refusal::kMalformed, result.status().message());
}

}  // namespace

absl::Time ExpiryOf(absl::CivilDay valid_until, absl::TimeZone zone) { return absl::FromCivil(valid_until + 1, zone); }

absl::Time SealExpiry(const AttestationClaims& claims, absl::TimeZone zone) {
  return ExpiryOf(claims.valid_until, zone);
}

absl::StatusOr<std::string> Seal(const AttestationClaims& claims, const SigningKey& key, absl::Time now,
                                 absl::TimeZone zone) {
  RETURN_IF_ERROR(CheckAttestationClaims(claims));
  const absl::Time expiry = SealExpiry(claims, zone);
  if (now >= expiry) return absl::InvalidArgumentError("valid_until: the attestation would be expired already");
  ASSIGN_OR_RETURN(std::string payload, EncodeSealedClaims(SealedClaims{now, expiry, claims}));
  ASSIGN_OR_RETURN(std::string signed_bytes, SignCoseSign1(payload, key));
  if (signed_bytes.size() > kMaxSignedBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the signed attestation takes ", signed_bytes.size(), " bytes, more than ", kMaxSignedBytes));
  }
  ASSIGN_OR_RETURN(std::string compressed, Deflate(signed_bytes));
  std::string text = absl::StrCat(kSealPrefix, EncodeBase45(compressed));
  if (text.size() > kMaxSealTextLength) {
    return absl::InvalidArgumentError(absl::StrCat("the sealed attestation takes ", text.size(),
                                                   " characters, more than a QR code holds (", kMaxSealTextLength,
                                                   ")"));
  }
  return text;
}

absl::StatusOr<AttestationClaims> Open(absl::string_view text, const KeyRing& ring, absl::Time now) {
  if (text.size() > kMaxSealTextLength) {
    return Refuse(Refusal::kMalformed, absl::StrCat("longer than ", kMaxSealTextLength, " characters"));
  }
  if (!absl::ConsumePrefix(&text, kSealPrefix)) {
    return Refuse(Refusal::kMalformed, absl::StrCat("does not start with ", kSealPrefix));
  }
  ASSIGN_OR_RETURN(std::string compressed, Malformed(DecodeBase45(text)));
  ASSIGN_OR_RETURN(std::string signed_bytes, Malformed(InflateBounded(compressed, kMaxSignedBytes)));
  ASSIGN_OR_RETURN(CoseSign1 sign1, Malformed(ParseCoseSign1(signed_bytes)));
  if (!ring.Contains(sign1.kid)) {
    return Refuse(Refusal::kUnknownKey, absl::StrCat("key id ", sign1.kid, " is not in the key ring"));
  }
  if (!VerifyCoseSign1(sign1, ring)) {
    return Refuse(Refusal::kBadSignature, absl::StrCat("the signature does not verify under key id ", sign1.kid));
  }
  ASSIGN_OR_RETURN(SealedClaims claims, Malformed(DecodeSealedClaims(sign1.payload)));
  if (now >= claims.expires_at) {
    return Refuse(Refusal::kExpired, absl::StrCat("expired at ", absl::FormatTime(absl::RFC3339_sec, claims.expires_at,
                                                                                  absl::UTCTimeZone())));
  }
  if (claims.issued_at > now + kClockSkew) {
    return Refuse(Refusal::kNotYetValid,
                  absl::StrCat("issued at ", absl::FormatTime(absl::RFC3339_sec, claims.issued_at, absl::UTCTimeZone()),
                               ", after the time of the check"));
  }
  return std::move(claims.attestation);
}

}  // namespace himaya::seal
