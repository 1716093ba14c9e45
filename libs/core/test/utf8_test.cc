#include "core/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace himaya::core {
namespace {

TEST(Utf8, DecodesOneCodePointOfEachLength) {
  struct Case {
    std::string bytes;
    char32_t code_point;
  };
  for (const Case& c : std::vector<Case>{{"A", 0x41},
                                         {"\x7f", 0x7F},
                                         {"\xc2\x80", 0x80},
                                         {"é", 0xE9},
                                         {"\xdf\xbf", 0x7FF},
                                         {"\xe0\xa0\x80", 0x800},
                                         {"ع", 0x639},
                                         {"€", 0x20AC},
                                         {"\xed\x9f\xbf", 0xD7FF},
                                         {"\xee\x80\x80", 0xE000},
                                         {"\xef\xbf\xbf", 0xFFFF},
                                         {"\xf0\x90\x80\x80", 0x10000},
                                         {"\xf4\x8f\xbf\xbf", 0x10FFFF}}) {
    const DecodedCodePoint d = DecodeUtf8(c.bytes + "tail");
    EXPECT_TRUE(d.valid) << c.bytes;
    EXPECT_EQ(d.code_point, c.code_point) << c.bytes;
    EXPECT_EQ(d.length, c.bytes.size()) << c.bytes;
  }
}

TEST(Utf8, InvalidSequencesTakeOneByteAndGiveTheReplacementCharacter) {
  for (const std::string& bad : {
           std::string("\x80"),                  // a continuation byte alone
           std::string("\xbf"),                  //
           std::string("\xc0\xaf"),              // overlong '/'
           std::string("\xc1\xbf"),              // overlong U+007F
           std::string("\xe0\x80\xaf"),          // overlong, three bytes
           std::string("\xe0\x9f\xbf"),          // overlong U+07FF
           std::string("\xf0\x80\x80\xaf"),      // overlong, four bytes
           std::string("\xf0\x8f\xbf\xbf"),      // overlong U+FFFF
           std::string("\xed\xa0\x80"),          // U+D800, a surrogate
           std::string("\xed\xbf\xbf"),          // U+DFFF
           std::string("\xf4\x90\x80\x80"),      // U+110000, past Unicode
           std::string("\xf7\xbf\xbf\xbf"),      // past Unicode
           std::string("\xf8\x88\x80\x80\x80"),  // five-byte form
           std::string("\xff"),                  //
           std::string("\xc3"),                  // truncated
           std::string("\xe2\x82"),              // truncated
           std::string("\xf0\x9f\x98"),          // truncated
           std::string("\xc3(", 2),              // a continuation byte missing
           std::string("\xe2\x28\xa1"),          //
       }) {
    const DecodedCodePoint d = DecodeUtf8(bad);
    EXPECT_FALSE(d.valid) << testing::PrintToString(bad);
    EXPECT_EQ(d.code_point, kReplacementCharacter);
    EXPECT_EQ(d.length, 1u);
    EXPECT_FALSE(IsValidUtf8(bad));
    EXPECT_FALSE(IsValidUtf8("ok " + bad + " ok"));
    EXPECT_EQ(CountCodePoints(bad), std::nullopt);
  }
  EXPECT_FALSE(DecodeUtf8("").valid);
}

TEST(Utf8, ValidTextsAndTheirLengthInCodePoints) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Fès العلوي"));
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("Fès"), 3u);
  EXPECT_EQ(CountCodePoints("العلوي"), 6u);
  EXPECT_EQ(CountCodePoints("€\xf0\x9f\x98\x80"), 2u);  // U+20AC, U+1F600
}

}  // namespace
}  // namespace himaya::core
