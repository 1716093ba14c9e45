#include "seal/compression.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::seal {
namespace {

using ::testing::HasSubstr;

TEST(Compression, RoundTrips) {
  const std::string text = "attestation d'immatriculation, attestation d'immatriculation";
  const std::string compressed = *Deflate(text);
  EXPECT_LT(compressed.size(), text.size());
  EXPECT_EQ(static_cast<uint8_t>(compressed[0]), 0x78);  // a zlib header
  EXPECT_EQ(*InflateBounded(compressed, text.size()), text);
  EXPECT_EQ(*InflateBounded(*Deflate(""), 0), "");
}

TEST(Compression, RefusesAZlibBomb) {
  // 64 MiB of zeros in about 64 KiB; inflating stops at the bound.
  const std::string bomb = *Deflate(std::string(64 << 20, '\0'));
  const absl::StatusOr<std::string> inflated = InflateBounded(bomb, 1 << 20);
  EXPECT_EQ(inflated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(inflated.status().message(), HasSubstr("inflates to more than 1048576 bytes"));
}

TEST(Compression, TheBoundIsInclusive) {
  const std::string data(1000, 'x');
  EXPECT_TRUE(InflateBounded(*Deflate(data), 1000).ok());
  EXPECT_FALSE(InflateBounded(*Deflate(data), 999).ok());
}

TEST(Compression, RefusesWhatIsNotOneCompleteStream) {
  const std::string compressed = *Deflate("some bytes to compress, some bytes to compress");
  EXPECT_THAT(InflateBounded(compressed.substr(0, compressed.size() - 3), 100).status().message(),
              HasSubstr("truncated"));
  EXPECT_THAT(InflateBounded(compressed + "x", 100).status().message(), HasSubstr("1 bytes follow"));
  std::string bad_checksum = compressed;
  bad_checksum.back() = static_cast<char>(bad_checksum.back() ^ 1);
  EXPECT_THAT(InflateBounded(bad_checksum, 100).status().message(), HasSubstr("corrupt"));
  EXPECT_THAT(InflateBounded("not zlib", 100).status().message(), HasSubstr("corrupt"));
  EXPECT_FALSE(InflateBounded("", 100).ok());
}

}  // namespace
}  // namespace himaya::seal
