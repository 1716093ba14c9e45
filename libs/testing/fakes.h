// Fakes of core's injectable dependencies: a clock that moves only when told, and a seeded,
// reproducible random source.
#pragma once

#include <mutex>
#include <random>

#include "core/clock.h"
#include "core/random.h"

namespace himaya::testing {

class FakeClock final : public core::Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1640995200))  // 2022-01-01
      : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

class SeededRandom final : public core::RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  uint64_t Next() override {
    std::lock_guard<std::mutex> lock(mu_);
    return engine_();
  }

 private:
  std::mutex mu_;
  std::mt19937_64 engine_;
};

}  // namespace himaya::testing
