// Amounts in dirhams read into centimes and written back (ParseDirhams, FormatDirhams).
#include "claims_file/dirhams.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace himaya::claims_file {
namespace {

TEST(ParseDirhams, ReadsWholeDirhamsAndOneOrTwoDecimals) {
  EXPECT_EQ(*ParseDirhams("150"), 15000);
  EXPECT_EQ(*ParseDirhams("150.5"), 15050);
  EXPECT_EQ(*ParseDirhams("150.50"), 15050);
  EXPECT_EQ(*ParseDirhams("150.05"), 15005);
  EXPECT_EQ(*ParseDirhams("0.01"), 1);
  EXPECT_EQ(*ParseDirhams("0"), 0);
  EXPECT_EQ(*ParseDirhams("0.00"), 0);
  EXPECT_EQ(*ParseDirhams("007.10"), 710);
}

TEST(ParseDirhams, BoundIsTenToTheTwelveCentimes) {
  EXPECT_EQ(*ParseDirhams("10000000000"), 1'000'000'000'000);
  EXPECT_EQ(*ParseDirhams("10000000000.00"), 1'000'000'000'000);
  EXPECT_FALSE(ParseDirhams("10000000000.01").ok());
  EXPECT_FALSE(ParseDirhams("10000000001").ok());
  EXPECT_FALSE(ParseDirhams("99999999999999999999999999").ok());
  EXPECT_EQ(*ParseDirhams("9999999999.99"), 999'999'999'999);
}

TEST(ParseDirhams, RefusesEveryOtherForm) {
  for (const char* bad : {"", ".", ".5", "150.", "150.505", "-1", "+1", "1e3", " 1", "1 ", "1,50", "1.5.0", "1..5", "a",
                          "0x10", "1.-5", "١٥٠", "150 DH", "1'000"}) {
    absl::StatusOr<int64_t> parsed = ParseDirhams(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FormatDirhams, WritesTwoDecimals) {
  EXPECT_EQ(FormatDirhams(15050), "150.50");
  EXPECT_EQ(FormatDirhams(15005), "150.05");
  EXPECT_EQ(FormatDirhams(0), "0.00");
  EXPECT_EQ(FormatDirhams(7), "0.07");
  EXPECT_EQ(FormatDirhams(1'000'000'000'000), "10000000000.00");
  EXPECT_EQ(FormatDirhams(-150), "-1.50");
  EXPECT_EQ(FormatDirhams(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

TEST(FormatDirhams, ParseReadsBackWhatFormatWrote) {
  for (int64_t centimes : {int64_t{0}, int64_t{1}, int64_t{99}, int64_t{100}, int64_t{8000}, int64_t{123456789},
                           int64_t{1'000'000'000'000}}) {
    absl::StatusOr<int64_t> back = ParseDirhams(FormatDirhams(centimes));
    ASSERT_TRUE(back.ok()) << centimes;
    EXPECT_EQ(*back, centimes);
  }
}

}  // namespace
}  // namespace himaya::claims_file
