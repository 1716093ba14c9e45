// Fuzzes the CBOR layers that Open reaches only past zlib's checksum (the COSE_Sign1) and behind
// a valid signature (the claims): any bytes go to ParseCoseSign1 and to DecodeSealedClaims. Claims
// it accepts must pass CheckAttestationClaims and encode back to claims that decode the same.
#include <cstdint>

#include "seal/attestation_cwt.h"
#include "seal/cose_sign1.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::seal;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  ParseCoseSign1(bytes).IgnoreError();
  absl::StatusOr<SealedClaims> claims = DecodeSealedClaims(bytes);
  if (!claims.ok()) return 0;
  if (!CheckAttestationClaims(claims->attestation).ok()) __builtin_trap();
  absl::StatusOr<std::string> again = EncodeSealedClaims(*claims);
  if (!again.ok()) __builtin_trap();
  absl::StatusOr<SealedClaims> decoded = DecodeSealedClaims(*again);
  if (!decoded.ok() || !(decoded->attestation == claims->attestation)) __builtin_trap();
  return 0;
}
