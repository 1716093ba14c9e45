// Portal passwords: what a password must be (12 to 128 characters of UTF-8, compared in Unicode
// NFC so that the same word typed on two keyboards is the same password), and their Argon2id
// hashes (libsodium's crypto_pwhash_str: salt and parameters inside the string). A password
// appears in no log, event, error message or table: only its hash is kept.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::registration {

inline constexpr size_t kMinPasswordChars = 12;
inline constexpr size_t kMaxPasswordChars = 128;

// Argon2id's cost, fixed at start (flags); libsodium's INTERACTIVE level by default.
struct PasswordHashing {
  unsigned long long ops = 2;       // crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t memory_bytes = 64u << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// INVALID_ARGUMENT naming the flag when libsodium would refuse the cost.
absl::Status CheckPasswordHashing(const PasswordHashing& hashing);

// The password as it is hashed (NFC). INVALID_ARGUMENT "password: ..." when it is empty, not
// UTF-8, shorter than kMinPasswordChars or longer than kMaxPasswordChars characters; the
// password itself is never quoted.
absl::StatusOr<std::string> NormalizePassword(absl::string_view password);

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashing hashing) : hashing_(hashing) {}

  // The crypto_pwhash_str string of a normalised password. RESOURCE_EXHAUSTED when libsodium
  // cannot have the memory.
  absl::StatusOr<std::string> Hash(absl::string_view normalized_password) const;
  // True when `hash` is the hash of `normalized_password` (an unreadable hash is no match).
  static bool Verify(absl::string_view hash, absl::string_view normalized_password);
  // True when `hash` was made with another cost than this hasher's (it is then made again at the
  // next successful login).
  bool NeedsRehash(absl::string_view hash) const;

 private:
  PasswordHashing hashing_;
};

}  // namespace himaya::registration
