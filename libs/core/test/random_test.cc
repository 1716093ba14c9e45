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

}  // namespace
}  // namespace himaya::core
