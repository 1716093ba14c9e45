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

// Found by notification_sms_text_fuzz: parts were counted as units / 153 (or 67), as if an
// extension character's two septets, or a surrogate pair, could be cut between two parts.
TEST(SmsLength, ACharacterIsNeverSplitAcrossParts) {
  SmsLength gsm = MeasureSms(std::string(152, 'a') + "{" + std::string(152, 'a'));
  EXPECT_EQ(gsm.units, 306);
  EXPECT_EQ(gsm.parts, 3) << "152 + (2 + 151) + 1";
  std::string sin;
  for (int i = 0; i < 66; ++i) sin += "\xd8\xb3";               // س
  SmsLength ucs2 = MeasureSms(sin + "\xf0\x9f\x98\x80" + sin);  // an emoji, two UTF-16 units
  EXPECT_EQ(ucs2.units, 134);
  EXPECT_EQ(ucs2.parts, 3) << "66 + (2 + 65) + 1";
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
