#include "core/random.h"

#include <regex>
#include <set>

#include "gtest/gtest.h"
#include "testing/fakes.h"

namespace himaya::core {
namespace {

TEST(Uuid, IsVersion4AndCanonical) {
  SystemRandom random;
  std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid(random);
    EXPECT_TRUE(std::regex_match(id, form)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Uuid, SeededRandomIsReproducible) {
  testing::SeededRandom a(42), b(42), c(43);
  std::string first = NewUuid(a);
  EXPECT_EQ(first, NewUuid(b));
  EXPECT_NE(first, NewUuid(c));
}

TEST(Uuid, TimeOrderedIsVersion7AndSortsByItsMillisecond) {
  SystemRandom random;
  testing::FakeClock clock(absl::FromUnixMillis(1796083200123));  // 2026-12-01T00:00:00.123Z
  std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::string previous;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewTimeOrderedUuid(clock, random);
    EXPECT_TRUE(std::regex_match(id, form)) << id;
    // The first 48 bits are the milliseconds, in hexadecimal.
    EXPECT_EQ(std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16), 1796083200123ULL + i) << id;
    EXPECT_LT(previous, id) << "made a millisecond later, it sorts after";
    previous = id;
    seen.insert(id);
    clock.Advance(absl::Milliseconds(1));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Uuid, TimeOrderedWithinAMillisecondSortsByItsFraction) {
  SystemRandom random;
  testing::FakeClock clock(absl::FromUnixMicros(1796083200123000));
  std::string previous;
  for (int i = 0; i < 4; ++i) {
    std::string id = NewTimeOrderedUuid(clock, random);
    // rand_a (after the version digit) is the fraction of the millisecond in 4096ths.
    EXPECT_EQ(std::stoul(id.substr(15, 3), nullptr, 16), static_cast<unsigned long>(i * 250 * 4096 / 1000)) << id;
    EXPECT_LT(previous, id) << "made 250 microseconds later, it sorts after";
    previous = id;
    clock.Advance(absl::Microseconds(250));
  }
}

TEST(Uuid, TextIsTheHexadecimalOfTheBits) {
  // A source that always gives the same bits shows where each lands in the text.
  struct Constant final : RandomSource {
    uint64_t Next() override { return 0x0123456789abcdefULL; }
  } constant;
  testing::FakeClock clock(absl::FromUnixMicros(0x0000fedcba987654LL * 1000 + 500));
  EXPECT_EQ(NewTimeOrderedUuid(clock, constant), "fedcba98-7654-7800-8123-456789abcdef");
  EXPECT_EQ(NewUuid(constant), "01234567-89ab-4def-8123-456789abcdef");
}

TEST(SystemRandom, ValuesDiffer) {
  SystemRandom random;
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random.Next());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace himaya::core
