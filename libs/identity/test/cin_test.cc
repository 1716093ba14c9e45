#include "identity/cin.h"

#include "gtest/gtest.h"

namespace himaya::identity {
namespace {

TEST(Cin, IsWrittenUpperCaseWithoutSurroundingSpaces) {
  EXPECT_EQ(NormalizedCin("ab123456"), "AB123456");
  EXPECT_EQ(NormalizedCin("  j1 "), "J1");
  EXPECT_EQ(NormalizedCin("Be98"), "BE98");
}

TEST(Cin, AnythingButOneOrTwoLettersThenOneToSixDigitsIsRefused) {
  for (const char* bad : {"", "   ", "123456", "ABC123", "AB", "AB1234567", "A 12", "AB12X", "É123", "AB-12"}) {
    EXPECT_EQ(NormalizedCin(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace himaya::identity
