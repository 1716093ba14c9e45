#include "notification/src/sms_text.h"

#include "gtest/gtest.h"

namespace himaya::notification {
namespace {

TEST(SmsLength, PlainFrenchIsGsmSevenBit) {
  SmsLength l = MeasureSms("Bonjour, votre numero est 100000017.");
  EXPECT_EQ(l.encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(l.units, 36);
  EXPECT_EQ(l.parts, 1);
}

TEST(SmsLength, GsmPartBoundaries) {
  EXPECT_EQ(MeasureSms(std::string(160, 'a')).parts, 1);
  EXPECT_EQ(MeasureSms(std::string(161, 'a')).parts, 2);
  EXPECT_EQ(MeasureSms(std::string(306, 'a')).parts, 2);
  EXPECT_EQ(MeasureSms(std::string(307, 'a')).parts, 3);
}

TEST(SmsLength, AccentsOfTheGsmAlphabetStaySevenBitOthersDoNot) {
  EXPECT_EQ(MeasureSms("immatriculé à é è ù").encoding, SmsEncoding::kGsm7);
  SmsLength circumflex = MeasureSms("vous êtes");  // ê is not in GSM 03.38
  EXPECT_EQ(circumflex.encoding, SmsEncoding::kUcs2);
  EXPECT_EQ(circumflex.units, 9);
}

TEST(SmsLength, ExtensionCharactersCountTwice) {
  SmsLength l = MeasureSms("{€}");
  EXPECT_EQ(l.encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(l.units, 6);
  EXPECT_EQ(MeasureSms(std::string(80, '[')).parts, 1);  // 160 septets
  EXPECT_EQ(MeasureSms(std::string(81, '[')).parts, 2);  // 162 septets
}

TEST(SmsLength, ArabicIsUcs2WithSeventyThenSixtySevenPerPart) {
  std::string seventy, seventy_one;
  for (int i = 0; i < 70; ++i) seventy += "\xd8\xb3";  // س
  seventy_one = seventy + "\xd8\xb3";
  EXPECT_EQ(MeasureSms(seventy).encoding, SmsEncoding::kUcs2);
  EXPECT_EQ(MeasureSms(seventy).units, 70);
  EXPECT_EQ(MeasureSms(seventy).parts, 1);
  EXPECT_EQ(MeasureSms(seventy_one).parts, 2);
  std::string long_text;
  for (int i = 0; i < 134; ++i) long_text += "\xd8\xb3";
  EXPECT_EQ(MeasureSms(long_text).parts, 2);
  EXPECT_EQ(MeasureSms(long_text + "\xd8\xb3").parts, 3);
}

TEST(SmsLength, MixedScriptsAreUcs2AndEmojiTakeTwoUnits) {
  SmsLength mixed = MeasureSms("CNSS: رقم 100000017");
  EXPECT_EQ(mixed.encoding, SmsEncoding::kUcs2);
  EXPECT_EQ(mixed.units, 19);
  SmsLength emoji = MeasureSms("ok \xF0\x9F\x98\x80");
  EXPECT_EQ(emoji.units, 5);
}

TEST(SmsLength, EmptyIsOnePart) { EXPECT_EQ(MeasureSms("").parts, 1); }

}  // namespace
}  // namespace himaya::notification
