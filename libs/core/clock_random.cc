#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

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

// The canonical 8-4-4-4-12 lower-case hexadecimal form.
std::string UuidText(uint64_t hi, uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(36, '-');
  size_t at = 0;
  auto put = [&](uint64_t bits, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
      text[at++] = kHex[(bits >> (4 * i)) & 0xF];
    }
  };
  put(hi, 16);
  put(lo, 16);
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
  // Times before 1970 have no version 7 form: they count as the epoch.
  const int64_t micros = std::max<int64_t>(0, absl::ToUnixMicros(clock.Now()));
  const uint64_t millis = static_cast<uint64_t>(micros / 1000) & 0xFFFFFFFFFFFFULL;
  // rand_a holds the fraction of the millisecond in 4096ths (RFC 9562, section 6.2, method 3),
  // so ids made a microsecond or more apart sort by time; rand_b holds 62 random bits.
  const uint64_t fraction = static_cast<uint64_t>(micros % 1000) * 4096 / 1000;
  const uint64_t hi = (millis << 16) | 0x7000ULL | fraction;                            // version 7
  const uint64_t lo = (random.Next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 9562 variant
  return UuidText(hi, lo);
}

}  // namespace himaya::core
