#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "core/clock.h"
#include "core/random.h"

namespace himaya::core {

const SystemClock& SystemClock::Get() {
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

namespace {

// Fills `out` from the kernel's generator.
void FillRandom(unsigned char* out, size_t size) {
  size_t filled = 0;
  while (filled < size) {
    ssize_t n = getrandom(out + filled, size - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // Without the kernel's generator there is no safe way to go on.
      std::perror("getrandom");
      std::abort();
    }
    filled += static_cast<size_t>(n);
  }
}

std::string UuidText(uint64_t hi, uint64_t lo) {
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return text;
}

}  // namespace

uint64_t SystemRandom::Next() {
  // Straight from the kernel each time: values that feed secrets are never kept ahead in memory.
  uint64_t value = 0;
  FillRandom(reinterpret_cast<unsigned char*>(&value), sizeof(value));
  return value;
}

std::string NewUuid(RandomSource& random) {
  uint64_t hi = random.Next();
  uint64_t lo = random.Next();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return UuidText(hi, lo);
}

std::string NewTimeOrderedUuid(const Clock& clock, RandomSource& random) {
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(clock.Now())) & 0xFFFFFFFFFFFFULL;
  const uint64_t hi = (millis << 16) | 0x7000ULL | (random.Next() & 0x0FFFULL);         // version 7
  const uint64_t lo = (random.Next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 9562 variant
  return UuidText(hi, lo);
}

}  // namespace himaya::core
