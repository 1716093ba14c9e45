#include "identity/registration_number.h"

#include "gtest/gtest.h"

namespace himaya::identity {
namespace {

TEST(Luhn, KnownValues) {
  EXPECT_EQ(LuhnCheckDigit("7992739871"), 3);  // the textbook example
  EXPECT_EQ(LuhnCheckDigit("10000001"), 7);    // 1x2 + 1 = 3 -> 7
  EXPECT_EQ(LuhnCheckDigit("10000002"), 5);    // 2x2 + 1 = 5 -> 5
}

TEST(RegistrationNumber, FormatIsNineDigitsAndValid) {
  std::string n = FormatRegistrationNumber(kFirstSequence);
  EXPECT_EQ(n, "100000017");
  EXPECT_TRUE(IsValidRegistrationNumber(n));
  EXPECT_EQ(FormatRegistrationNumber(kLastSequence).size(), 9u);
}

TEST(RegistrationNumber, CatchesEverySingleDigitErrorAndAdjacentSwap) {
  for (int64_t seq : {kFirstSequence, int64_t{12345678}, int64_t{98765432}, kLastSequence}) {
    std::string n = FormatRegistrationNumber(seq);
    for (size_t i = 0; i < n.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == n[i]) continue;
        std::string typo = n;
        typo[i] = d;
        EXPECT_FALSE(IsValidRegistrationNumber(typo)) << typo;
      }
    }
    for (size_t i = 0; i + 1 < n.size(); ++i) {
      std::string swapped = n;
      std::swap(swapped[i], swapped[i + 1]);
      // Luhn misses only the 09 <-> 90 swap.
      bool nine_zero = (n[i] == '0' && n[i + 1] == '9') || (n[i] == '9' && n[i + 1] == '0');
      if (swapped != n && !nine_zero) {
        EXPECT_FALSE(IsValidRegistrationNumber(swapped)) << swapped;
      }
    }
  }
}

TEST(RegistrationNumber, RejectsWrongLengthsAndNonDigits) {
  EXPECT_FALSE(IsValidRegistrationNumber("10000001"));
  EXPECT_FALSE(IsValidRegistrationNumber("1000000180"));
  EXPECT_FALSE(IsValidRegistrationNumber("10000001X"));
  EXPECT_FALSE(IsValidRegistrationNumber(""));
}

TEST(RegistrationNumber, TheCheckSaysWhatIsExpectedWithoutEchoingTheNumber) {
  EXPECT_TRUE(CheckRegistrationNumber("100000017").ok());
  for (const char* bad : {"100000018", "10000001", "1000000170", "10000001X", ""}) {
    absl::Status s = CheckRegistrationNumber(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), "registration_number: must be 9 digits with a valid check digit") << bad;
  }
}

}  // namespace
}  // namespace himaya::identity
