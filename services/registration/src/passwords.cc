#include "registration/src/passwords.h"

#include <sodium.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/utf8.h"

namespace himaya::registration {

absl::Status CheckPasswordHashing(const PasswordHashing& hashing) {
  if (hashing.ops < crypto_pwhash_OPSLIMIT_MIN || hashing.ops > crypto_pwhash_OPSLIMIT_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("password_hash_ops: must be at least ", crypto_pwhash_OPSLIMIT_MIN));
  }
  if (hashing.memory_bytes < crypto_pwhash_MEMLIMIT_MIN || hashing.memory_bytes > crypto_pwhash_MEMLIMIT_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("password_hash_memory_kib: must be at least ", crypto_pwhash_MEMLIMIT_MIN / 1024));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NormalizePassword(absl::string_view password) {
  if (password.empty()) return absl::InvalidArgumentError("password: is required");
  // Bounded before any work: a megabyte of text is refused as quickly as a word.
  if (password.size() > kMaxPasswordChars * 4) {
    return absl::InvalidArgumentError(absl::StrCat("password: is longer than ", kMaxPasswordChars, " characters"));
  }
  if (!core::IsValidUtf8(password)) return absl::InvalidArgumentError("password: is not valid UTF-8");
  // utf8proc reads a C string: a NUL would cut the password short.
  if (password.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("password: holds a NUL character");
  }
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> composed(
      utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(std::string(password).c_str())), &std::free);
  if (composed == nullptr) return absl::InvalidArgumentError("password: is not valid UTF-8");
  std::string normalized(reinterpret_cast<const char*>(composed.get()));
  const std::optional<size_t> chars = core::CountCodePoints(normalized);
  if (!chars) return absl::InvalidArgumentError("password: is not valid UTF-8");
  if (*chars < kMinPasswordChars) {
    return absl::InvalidArgumentError(absl::StrCat("password: is shorter than ", kMinPasswordChars, " characters"));
  }
  if (*chars > kMaxPasswordChars) {
    return absl::InvalidArgumentError(absl::StrCat("password: is longer than ", kMaxPasswordChars, " characters"));
  }
  return normalized;
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view normalized_password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, normalized_password.data(), normalized_password.size(), hashing_.ops,
                        hashing_.memory_bytes) != 0) {
    return absl::ResourceExhaustedError("password: cannot be hashed now (out of memory); try again");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(absl::string_view hash, absl::string_view normalized_password) {
  const std::string terminated(hash);  // libsodium reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), normalized_password.data(), normalized_password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(absl::string_view hash) const {
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), hashing_.ops, hashing_.memory_bytes) != 0;
}

}  // namespace himaya::registration
