// The gateway's secrets and how they are kept: random tokens (a session's cookie, an API key's
// secret) stored only as their SHA-256, and agents' passwords stored as Argon2id hashes
// (libsodium's crypto_pwhash_str). Nothing here logs or returns a secret in an error.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::gateway {

// Bytes of randomness in a token (256 bits).
inline constexpr size_t kTokenBytes = 32;

// A new random token: kTokenBytes from libsodium's generator, base64url without padding (43
// characters).
std::string NewToken();
// `bytes` random bytes in lower-case hex (identifiers: not secret, not guessable).
std::string RandomHex(size_t bytes);
// True when `text` has the shape NewToken gives (43 characters of the base64url alphabet), so a
// malformed credential is refused without a database read.
bool LooksLikeToken(absl::string_view text);
// The SHA-256 of `text`, in lower-case hex (64 characters).
std::string Sha256Hex(absl::string_view text);
// Compares two strings in a time that depends only on their length.
bool SameSecret(absl::string_view a, absl::string_view b);

// The cost of Argon2id (crypto_pwhash_str): libsodium's interactive limits by default (a
// verification takes about 0.1 s and 64 MiB); tests choose the minimum.
struct PasswordCost {
  unsigned long long ops;
  size_t memory_bytes;
  // libsodium's OPSLIMIT_INTERACTIVE and MEMLIMIT_INTERACTIVE.
  static PasswordCost Interactive();
  // libsodium's minimum: for tests only.
  static PasswordCost Minimum();
};

// The Argon2id hash of `password` (crypto_pwhash_str's text form). INTERNAL when libsodium
// cannot (out of memory).
absl::StatusOr<std::string> HashPassword(absl::string_view password, const PasswordCost& cost);
// True when `password` matches `hash`; false for a wrong password or a malformed hash.
bool VerifyPassword(absl::string_view password, const std::string& hash);

}  // namespace himaya::gateway
