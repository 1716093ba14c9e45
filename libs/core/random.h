// Randomness as an injectable dependency, and identifiers built from it. Production uses the
// operating system's generator (good enough for secrets); tests use a seeded fake.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"

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

// Returns a time-ordered (version 7, RFC 9562) UUID: the clock's Unix milliseconds, the fraction
// of the millisecond in 12 bits, then 62 random bits (one value of `random`). Ids made one after
// the other sort close together, so an index of them grows at its end rather than at random
// pages. For identifiers only (events, messages), never secrets.
std::string NewTimeOrderedUuid(const Clock& clock, RandomSource& random);

}  // namespace himaya::core
