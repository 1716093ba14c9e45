// Base45 (RFC 9285): bytes as text from the 45 characters of a QR code's alphanumeric mode
// ("0-9A-Z $%*+-./:"), so that a sealed attestation fills the QR code densely: two bytes become
// three characters, a last single byte two.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::seal {

// The Base45 text of `bytes`.
std::string EncodeBase45(absl::string_view bytes);

// The bytes of a Base45 text. INVALID_ARGUMENT (naming the position) for a character outside the
// alphabet, a length that leaves a single character at the end, or a group whose value is too
// large for its bytes (a triple above 65535, a final pair above 255): RFC 9285 section 4.2.
absl::StatusOr<std::string> DecodeBase45(absl::string_view text);

}  // namespace himaya::seal
