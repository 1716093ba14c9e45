// The keys of the seal: an Ed25519 signing key named by a key id (kid), held by the service that
// issues certificates, and the key ring of public keys by kid that every verifier holds. Keys
// rotate by kid: a new key pair signs from then on, and the old public keys stay in the ring so
// that certificates already issued still verify.
//
// On disk, in one directory:
//   <kid>.key  the 32-byte Ed25519 seed, as 64 hexadecimal characters and a newline; mode 0600,
//              refused if the group or others may read it
//   <kid>.pub  the 32-byte Ed25519 public key, as 64 hexadecimal characters and a newline
// A kid is 1 to 32 of [A-Za-z0-9_-] (it names the files, and travels in every seal).
// Nothing here logs or prints key material; errors name the file, never its content.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::seal {

inline constexpr size_t kMaxKeyIdLength = 32;
inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

// OK for a kid of 1..32 characters of [A-Za-z0-9_-]; INVALID_ARGUMENT otherwise.
absl::Status CheckKeyId(absl::string_view kid);

class SigningKey {
 public:
  // The key of `seed` (32 bytes: tests and fixed fuzz keys). INVALID_ARGUMENT for a bad kid or
  // a seed of another length.
  static absl::StatusOr<SigningKey> FromSeed(absl::string_view kid, absl::string_view seed);
  // A new key from the system's secure random generator.
  static absl::StatusOr<SigningKey> Generate(absl::string_view kid);

  SigningKey(const SigningKey& other) = default;
  SigningKey& operator=(const SigningKey& other) = default;
  ~SigningKey();  // wipes the secret

  const std::string& kid() const { return kid_; }
  // The 32 bytes of the public key.
  std::string public_key() const;
  // The 64-byte Ed25519 signature of `message`.
  std::string Sign(absl::string_view message) const;

 private:
  SigningKey() = default;
  std::string kid_;
  std::array<uint8_t, 64> secret_{};  // libsodium's form: seed, then public key
  std::array<uint8_t, 32> public_{};
};

// Verifies Ed25519 signatures under the public keys it holds, by kid.
class KeyRing {
 public:
  // Adds `public_key` (32 bytes) under `kid`. INVALID_ARGUMENT for a bad kid or key length,
  // ALREADY_EXISTS for a kid already held.
  absl::Status Add(absl::string_view kid, absl::string_view public_key);
  bool Contains(absl::string_view kid) const { return keys_.contains(kid); }
  // True when `signature` is the signature of `message` under the key of `kid` (false also when
  // the kid is not held).
  bool Verify(absl::string_view kid, absl::string_view message, absl::string_view signature) const;
  // The kids held, sorted.
  std::vector<std::string> kids() const;
  size_t size() const { return keys_.size(); }

 private:
  absl::flat_hash_map<std::string, std::string> keys_;
};

// Reads the signing key in `file` (<kid>.key), opened once without following a symbolic link
// and checked on the open file. NOT_FOUND when it does not exist, PERMISSION_DENIED when the
// group or others may read it, INVALID_ARGUMENT for a bad name or content, a symbolic link or
// what is not a regular file.
absl::StatusOr<SigningKey> LoadSigningKey(const std::filesystem::path& file);

// Reads every <kid>.pub file of `directory` (other files, such as <kid>.key, are ignored).
// NOT_FOUND when the directory does not exist, FAILED_PRECONDITION when it holds no <kid>.pub,
// INVALID_ARGUMENT naming the first file that is not a valid public key.
absl::StatusOr<KeyRing> LoadKeyRing(const std::filesystem::path& directory);

// Generates a key pair named `kid` and writes <kid>.key (mode 0600) and <kid>.pub into
// `directory`, which is created if missing: the first key of a stack, or the next one when keys
// rotate. ALREADY_EXISTS when either file exists (a key is never overwritten), INVALID_ARGUMENT
// for a bad kid, INTERNAL when a file cannot be written.
absl::StatusOr<SigningKey> CreateSigningKey(const std::filesystem::path& directory, absl::string_view kid);

}  // namespace himaya::seal
