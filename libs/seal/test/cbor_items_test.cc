#include "seal/cbor_items.h"

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::seal {
namespace {

using ::testing::HasSubstr;

std::string Hex(const absl::StatusOr<std::string>& bytes) { return absl::BytesToHexString(*bytes); }
std::string Bytes(absl::string_view hex) { return absl::HexStringToBytes(hex); }

constexpr CborLimits kLimits{/*max_depth=*/4, /*max_items=*/64, /*max_tags=*/1};

TEST(CborItems, IntegersTakeTheirShortestForm) {
  EXPECT_EQ(Hex(Serialize(CborInt(0))), "00");
  EXPECT_EQ(Hex(Serialize(CborInt(23))), "17");
  EXPECT_EQ(Hex(Serialize(CborInt(24))), "1818");
  EXPECT_EQ(Hex(Serialize(CborInt(1000))), "1903e8");
  EXPECT_EQ(Hex(Serialize(CborInt(1795860000))), "1a6b0aa620");
  EXPECT_EQ(Hex(Serialize(CborInt(-1))), "20");
  EXPECT_EQ(Hex(Serialize(CborInt(-8))), "27");
  EXPECT_EQ(Hex(Serialize(CborInt(-65537))), "3a00010000");
  EXPECT_EQ(Hex(Serialize(CborInt(std::numeric_limits<int64_t>::min()))), "3b7fffffffffffffff");
}

TEST(CborItems, BuildsTextBytesArraysMapsAndTags) {
  std::vector<std::pair<CborItem, CborItem>> entries;
  entries.emplace_back(CborInt(1), CborText("é"));
  entries.emplace_back(CborInt(-2), CborBytes(std::string("\0\1", 2)));
  std::vector<CborItem> items;
  items.push_back(CborMap(std::move(entries)));
  EXPECT_EQ(Hex(Serialize(CborTag(18, CborArray(std::move(items))))),
            "d281a20162c3a9214200"
            "01");
}

TEST(CborItems, ANullPartFailsTheWholeBuild) {
  std::vector<CborItem> items;
  items.push_back(nullptr);
  EXPECT_EQ(CborArray(std::move(items)), nullptr);
  EXPECT_EQ(CborTag(1, nullptr), nullptr);
  EXPECT_EQ(Serialize(nullptr).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(CborItems, DecodesAndReadsBack) {
  const absl::StatusOr<CborItem> item = DecodeCbor(Bytes("a301182a0262c3a903420001"), kLimits);
  ASSERT_TRUE(item.ok()) << item.status();
  const auto entries = *ReadIntKeyedMap(item->get(), "map");
  EXPECT_EQ(*ReadInt(entries.at(1), "one"), 42);
  EXPECT_EQ(*ReadText(entries.at(2), "two"), "é");
  EXPECT_EQ(*ReadBytes(entries.at(3), "three"), std::string("\0\1", 2));
  EXPECT_THAT(ReadText(entries.at(1), "one").status().message(), HasSubstr("one: not a text string"));
  EXPECT_THAT(ReadBytes(entries.at(2), "two").status().message(), HasSubstr("two: not a byte string"));
  EXPECT_THAT(ReadInt(entries.at(3), "three").status().message(), HasSubstr("three: not an integer"));
  EXPECT_THAT(ReadArray(item->get(), "it").status().message(), HasSubstr("it: not an array"));
}

TEST(CborItems, RefusesAnIntegerBeyond64SignedBits) {
  const CborItem big = std::move(*DecodeCbor(Bytes("1bffffffffffffffff"), kLimits));
  EXPECT_FALSE(ReadInt(big.get(), "n").ok());
  const CborItem small = std::move(*DecodeCbor(Bytes("3bffffffffffffffff"), kLimits));
  EXPECT_FALSE(ReadInt(small.get(), "n").ok());
}

TEST(CborItems, RefusesDuplicateAndNonIntegerMapKeys) {
  const CborItem twice = std::move(*DecodeCbor(Bytes("a201010102"), kLimits));
  EXPECT_THAT(ReadIntKeyedMap(twice.get(), "m").status().message(), HasSubstr("key 1 appears twice"));
  const CborItem text_key = std::move(*DecodeCbor(Bytes("a1616101"), kLimits));
  EXPECT_THAT(ReadIntKeyedMap(text_key.get(), "m").status().message(), HasSubstr("m key: not an integer"));
}

TEST(CborItems, RefusesNestingDeeperThanTheLimit) {
  EXPECT_TRUE(DecodeCbor(Bytes("8181818101"), kLimits).ok());  // four arrays
  EXPECT_THAT(DecodeCbor(Bytes("818181818101"), kLimits).status().message(), HasSubstr("deeper than 4"));
  // Siblings do not add up: [[[1]], [[1]]] is three deep.
  EXPECT_TRUE(DecodeCbor(Bytes("82818101818101"), CborLimits{3, 64, 0}).ok());
  // A hundred thousand nested arrays are refused before libcbor sees them.
  EXPECT_FALSE(DecodeCbor(std::string(100000, '\x81') + "\x01", kLimits).ok());
}

TEST(CborItems, RefusesMoreItemsThanTheLimit) {
  std::string array = Bytes("9840");  // an array of 64 zeros: 65 items
  array += std::string(64, '\0');
  EXPECT_THAT(DecodeCbor(array, kLimits).status().message(), HasSubstr("more than 64 data items"));
  EXPECT_TRUE(DecodeCbor(array, CborLimits{4, 65, 0}).ok());
}

TEST(CborItems, RefusesCountsLargerThanTheInput) {
  // An array, a map and a string announcing far more than the bytes that follow.
  EXPECT_THAT(DecodeCbor(Bytes("9bffffffffffffffff00"), kLimits).status().message(), HasSubstr("announces"));
  EXPECT_THAT(DecodeCbor(Bytes("bb7fffffffffffffff0000"), kLimits).status().message(), HasSubstr("announces"));
  EXPECT_THAT(DecodeCbor(Bytes("a30102"), kLimits).status().message(), HasSubstr("announces"));
  EXPECT_FALSE(DecodeCbor(Bytes("5bffffffffffffffff00"), kLimits).ok());
  EXPECT_FALSE(DecodeCbor(Bytes("7a0000100041"), kLimits).ok());
}

TEST(CborItems, RefusesIndefiniteLengthsTagsBeyondTheLimitAndTrailingBytes) {
  EXPECT_THAT(DecodeCbor(Bytes("9f01ff"), kLimits).status().message(), HasSubstr("indefinite"));
  EXPECT_THAT(DecodeCbor(Bytes("bf0101ff"), kLimits).status().message(), HasSubstr("indefinite"));
  EXPECT_THAT(DecodeCbor(Bytes("5f4101ff"), kLimits).status().message(), HasSubstr("indefinite"));
  EXPECT_THAT(DecodeCbor(Bytes("7f6161ff"), kLimits).status().message(), HasSubstr("indefinite"));
  EXPECT_THAT(DecodeCbor(Bytes("c1c101"), kLimits).status().message(), HasSubstr("more than 1 tags"));
  EXPECT_TRUE(DecodeCbor(Bytes("c101"), kLimits).ok());
  EXPECT_THAT(DecodeCbor(Bytes("0101"), kLimits).status().message(), HasSubstr("bytes follow"));
  EXPECT_THAT(DecodeCbor(Bytes("8201"), kLimits).status().message(), HasSubstr("truncated"));
  EXPECT_THAT(DecodeCbor("", kLimits).status().message(), HasSubstr("no data item"));
  EXPECT_FALSE(DecodeCbor(Bytes("1c"), kLimits).ok());  // a reserved additional information
}

}  // namespace
}  // namespace himaya::seal
