// Fuzzes Open: any text goes through the prefix, Base45, zlib, CBOR and COSE checks; the corpus
// holds seals that open, so that mutations start from the real shape.
#include <cstdint>

#include "seal/fuzz/fuzz_key.h"
#include "seal/seal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::seal;
  static const KeyRing ring = fuzz::FuzzKeyRing();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<AttestationClaims> claims = Open(text, ring, fuzz::FuzzNow());
  // Every failure is a refusal with its reason.
  if (!claims.ok() && !RefusalOf(claims.status()).has_value()) __builtin_trap();
  return 0;
}
