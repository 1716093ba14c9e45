// The fixed key and clock of the seal's fuzz targets and of the test that keeps their corpus
// valid: the corpus holds texts sealed under this key, which must open at this time.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "seal/keys.h"

namespace himaya::seal::fuzz {

inline constexpr absl::string_view kFuzzKid = "fuzz";

inline SigningKey FuzzKey() { return *SigningKey::FromSeed(kFuzzKid, std::string(32, '\x5a')); }

inline KeyRing FuzzKeyRing() {
  KeyRing ring;
  ring.Add(kFuzzKid, FuzzKey().public_key()).IgnoreError();
  return ring;
}

// 2026-11-28T10:00:00Z.
inline absl::Time FuzzNow() { return absl::FromUnixSeconds(1795860000); }

}  // namespace himaya::seal::fuzz
