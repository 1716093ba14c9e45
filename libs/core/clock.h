// Time as an injectable dependency: production code asks a Clock, tests give a fake one
// (himaya::testing::FakeClock) so that time-dependent behaviour is deterministic.
#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace himaya::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current time.
  virtual absl::Time Now() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  // A process-wide instance.
  static const SystemClock& Get();
};

}  // namespace himaya::core
