// COSE_Sign1 (RFC 9052 section 4.2) with EdDSA over Ed25519: the signed envelope of a seal.
//   18([ protected: bstr .cbor {1 (alg): -8 (EdDSA), 4 (kid): bstr}, unprotected: {},
//        payload: bstr, signature: bstr(64) ])
// signed over the Sig_structure ["Signature1", protected, external_aad: h'', payload].
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "seal/keys.h"

namespace himaya::seal {

inline constexpr uint64_t kCoseSign1Tag = 18;
inline constexpr int64_t kCoseHeaderAlg = 1;
inline constexpr int64_t kCoseHeaderKid = 4;
inline constexpr int64_t kCoseAlgEdDsa = -8;

// A COSE_Sign1 as read, before its signature is checked.
struct CoseSign1 {
  std::string protected_header;  // the serialised protected header, as signed
  std::string kid;
  std::string payload;
  std::string signature;
};

// The bytes of the Sig_structure signed for `protected_header` and `payload`.
absl::StatusOr<std::string> CoseSigStructure(absl::string_view protected_header, absl::string_view payload);

// The tagged COSE_Sign1 of `payload` signed by `key` (its kid in the protected header).
absl::StatusOr<std::string> SignCoseSign1(absl::string_view payload, const SigningKey& key);

// Reads a tagged COSE_Sign1 of this shape exactly (alg EdDSA and a kid of a valid key id in the
// protected header, nothing else; an empty unprotected header; a 64-byte signature).
// INVALID_ARGUMENT naming what differs.
absl::StatusOr<CoseSign1> ParseCoseSign1(absl::string_view bytes);

// True when `sign1`'s signature verifies under the key of its kid in `ring`.
bool VerifyCoseSign1(const CoseSign1& sign1, const KeyRing& ring);

}  // namespace himaya::seal
