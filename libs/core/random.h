// Randomness as an injectable dependency, and identifiers built from it. Production uses the
// operating system's generator (good enough for secrets); tests use a seeded fake.
#pragma once

#include <cstdint>
#include <string>

namespace himaya::core {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Returns 64 uniformly random bits.
  virtual uint64_t Next() = 0;
};

// Reads the kernel's cryptographically secure generator (getrandom(2)).
class SystemRandom final : public RandomSource {
 public:
  uint64_t Next() override;
};

// Returns a random (version 4) UUID in its canonical 36-character text form.
std::string NewUuid(RandomSource& random);

}  // namespace himaya::core
