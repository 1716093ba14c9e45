// Why a sealed attestation text is refused. Open returns these as the status of its failure, the
// reason's name first in the message ("EXPIRED: ...") and as a payload of the status, so that a
// caller (the CLI, the service's VerifyAttestation) can print or map it without parsing text.
#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace himaya::seal {

enum class Refusal {
  kMalformed,     // not a seal: prefix, Base45, zlib, CBOR, or the shape of the COSE or claims
  kUnknownKey,    // signed under a key id the key ring does not hold
  kBadSignature,  // the key id is known but the signature does not verify with its key
  kExpired,       // the time of the check is at or after the expiry
  kNotYetValid,   // issued later than the time of the check (beyond the clock skew allowed)
};

// "MALFORMED", "UNKNOWN_KEY", "BAD_SIGNATURE", "EXPIRED", "NOT_YET_VALID".
absl::string_view RefusalName(Refusal refusal);

// A status for `refusal`: its message is "<NAME>: <detail>", its code INVALID_ARGUMENT
// (MALFORMED), NOT_FOUND (UNKNOWN_KEY), UNAUTHENTICATED (BAD_SIGNATURE) or FAILED_PRECONDITION
// (EXPIRED, NOT_YET_VALID); the refusal is attached as a payload that RefusalOf reads back.
absl::Status Refuse(Refusal refusal, absl::string_view detail);

// The refusal a status carries; nullopt for OK and for any other error (a key file that cannot
// be read is an error, not a refusal).
std::optional<Refusal> RefusalOf(const absl::Status& status);

}  // namespace himaya::seal
