#include "registration/src/person_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const absl::CivilDay kToday(2022, 4, 1);

TEST(Cin, NormalisesCaseAndSurroundingSpaces) {
  EXPECT_EQ(*NormalizeCin("  bk123456 "), "BK123456");
  EXPECT_EQ(*NormalizeCin("A1"), "A1");
  EXPECT_EQ(*NormalizeCin("ZZ999999"), "ZZ999999");
}

TEST(Cin, RejectsEveryOtherShape) {
  for (const char* bad : {"", "123456", "ABC123", "B", "BK1234567", "BK 123456", "B-K12", "BK12345X", "\xd8\xa8K1"}) {
    absl::StatusOr<std::string> cin = NormalizeCin(bad);
    EXPECT_EQ(cin.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(cin.status().message()), ::testing::StartsWith("cin: ")) << bad;
  }
}

TEST(Phone, AcceptsMoroccanMobileFormatsAsE164) {
  EXPECT_EQ(*NormalizePhone("0612345678"), "+212612345678");
  EXPECT_EQ(*NormalizePhone("0712345678"), "+212712345678");
  EXPECT_EQ(*NormalizePhone("+212612345678"), "+212612345678");
  EXPECT_EQ(*NormalizePhone("00212712345678"), "+212712345678");
  EXPECT_EQ(*NormalizePhone(" "), "");
}

TEST(Phone, RejectsLandlinesForeignAndMalformedNumbers) {
  for (const char* bad :
       {"0522123456", "+33612345678", "061234567", "06123456789", "+2126123456", "06-12-34-56-78", "phone"}) {
    EXPECT_EQ(NormalizePhone(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(BirthDate, AcceptsRealPastDates) {
  EXPECT_EQ(*ParseBirthDate("1980-02-29", kToday), absl::CivilDay(1980, 2, 29));
  EXPECT_EQ(*ParseBirthDate("1900-01-01", kToday), absl::CivilDay(1900, 1, 1));
  EXPECT_EQ(*ParseBirthDate("2022-04-01", kToday), kToday);
}

TEST(BirthDate, RejectsUnrealFutureAndAncientDates) {
  for (const char* bad :
       {"1981-02-29", "2021-13-01", "2021-04-31", "01/02/1980", "1980-2-3", "2022-04-02", "1899-12-31", ""}) {
    EXPECT_EQ(ParseBirthDate(bad, kToday).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Names, AcceptLatinScriptWithAccentsAndPunctuation) {
  EXPECT_EQ(*NormalizeLatinName("last_name", "  El Idrissi "), "El Idrissi");
  EXPECT_TRUE(NormalizeLatinName("last_name", "Ben-Omar").ok());
  EXPECT_TRUE(NormalizeLatinName("first_name", "Hélène").ok());
  EXPECT_TRUE(NormalizeLatinName("first_name", "M'barek").ok());
}

TEST(Names, RejectArabicScriptDigitsEmptyAndOverlong) {
  EXPECT_EQ(NormalizeLatinName("last_name", "\xd8\xa7\xd9\x84\xd8\xb9\xd9\x84\xd9\x88\xd9\x8a").status().message(),
            "last_name: must be written in Latin script");
  EXPECT_FALSE(NormalizeLatinName("last_name", "Alaoui2").ok());
  EXPECT_FALSE(NormalizeLatinName("last_name", " ").ok());
  EXPECT_FALSE(NormalizeLatinName("last_name", std::string(101, 'a')).ok());
  EXPECT_TRUE(NormalizeLatinName("last_name", std::string(100, 'a')).ok());
}

TEST(Codes, SexAndLanguage) {
  EXPECT_EQ(*NormalizeSex("f"), "F");
  EXPECT_FALSE(NormalizeSex("X").ok());
  EXPECT_EQ(*NormalizeLanguage(""), "fr");
  EXPECT_EQ(*NormalizeLanguage("AR"), "ar");
  EXPECT_FALSE(NormalizeLanguage("en").ok());
}

PersonApplication Valid() {
  return {"bk123456", "Alaoui", "Fatima", "1980-05-17", "f", "0612345678", "amo-tns", "agri", "Settat", ""};
}

TEST(Validate, NormalisesAValidApplication) {
  Validated v = Validate(Valid(), kToday, ReferenceData::Shipped());
  EXPECT_THAT(v.violations, IsEmpty());
  EXPECT_EQ(v.person.cin, "BK123456");
  EXPECT_EQ(v.person.sex, "F");
  EXPECT_EQ(v.person.phone, "+212612345678");
  EXPECT_EQ(v.person.category, "AGRI");
  EXPECT_EQ(v.person.preferred_language, "fr");
}

TEST(Validate, ReportsEveryViolationWithItsFieldAndReason) {
  PersonApplication a = Valid();
  a.cin = "12";
  a.birth_date = "2030-01-01";
  a.phone = "0522000000";
  a.category = "PILOT";
  Validated v = Validate(a, kToday, ReferenceData::Shipped());
  EXPECT_THAT(
      v.violations,
      UnorderedElementsAre(
          AllOf(Field(&FieldViolation::field, "cin"), Field(&FieldViolation::reason, "CIN_FORMAT")),
          AllOf(Field(&FieldViolation::field, "birth_date"), Field(&FieldViolation::reason, "DATE_IN_FUTURE")),
          AllOf(Field(&FieldViolation::field, "phone"), Field(&FieldViolation::reason, "PHONE_FORMAT")),
          AllOf(Field(&FieldViolation::field, "category"), Field(&FieldViolation::reason, "CATEGORY_UNKNOWN"))));
  EXPECT_THAT(DescribeViolations(v.violations), ::testing::HasSubstr("cin: must be"));
}

TEST(Validate, CategoryRulesFollowTheProgram) {
  PersonApplication a = Valid();
  a.category = "";
  EXPECT_THAT(Validate(a, kToday, ReferenceData::Shipped()).violations,
              ElementsAre(Field(&FieldViolation::reason, "REQUIRED")));
  a.program = "amo-tadamon";
  EXPECT_THAT(Validate(a, kToday, ReferenceData::Shipped()).violations, IsEmpty());
  a.category = "AGRI";
  EXPECT_THAT(Validate(a, kToday, ReferenceData::Shipped()).violations,
              ElementsAre(Field(&FieldViolation::reason, "CATEGORY_NOT_ALLOWED")));
  a.program = "retirement";
  EXPECT_THAT(Validate(a, kToday, ReferenceData::Shipped()).violations,
              ElementsAre(Field(&FieldViolation::reason, "PROGRAM_UNKNOWN")));
}

TEST(Names, AreComparedInTheirComposedForm) {
  const std::string composed = "F\xC3\xA9lix";     // é as one character
  const std::string decomposed = "Fe\xCC\x81lix";  // e then a combining acute accent
  ASSERT_TRUE(NormalizeLatinName("first_name", composed).ok());
  absl::StatusOr<std::string> typed = NormalizeLatinName("first_name", decomposed);
  ASSERT_TRUE(typed.ok()) << typed.status();
  EXPECT_EQ(*typed, composed);
  // 100 characters, each typed as two code points, is still 100 characters.
  std::string long_decomposed;
  for (int i = 0; i < 100; ++i) long_decomposed += "e\xCC\x81";
  EXPECT_TRUE(NormalizeLatinName("last_name", long_decomposed).ok());
}

TEST(Names, ArabicColumnsHoldArabicScript) {
  EXPECT_EQ(*NormalizeArabicName("last_name_ar", ""), "");
  EXPECT_EQ(*NormalizeArabicName("last_name_ar", " العلوي "), "العلوي");
  EXPECT_TRUE(NormalizeArabicName("first_name_ar", "عبد الله").ok());
  EXPECT_TRUE(NormalizeArabicName("first_name_ar", "مُحَمَّد").ok()) << "with its vowel marks";
  for (const std::string& bad : {std::string("Alaoui"), std::string("العلويx"), std::string("\xD9\x8B"),
                                 std::string("\xE2\x80\x8F"), std::string("\xE2\x80\x8C")}) {
    absl::StatusOr<std::string> name = NormalizeArabicName("last_name_ar", bad);
    ASSERT_FALSE(name.ok()) << bad;
    EXPECT_EQ(ViolationOf(name.status()).reason, "NAME_SCRIPT") << bad;
  }
  std::string long_name;
  for (int i = 0; i < 101; ++i) long_name += "ب";
  EXPECT_EQ(ViolationOf(NormalizeArabicName("last_name_ar", long_name).status()).reason, "TOO_LONG");
}

TEST(Identifiers, AreBoundedAndPrintable) {
  EXPECT_TRUE(CheckIdentifier("record_id", "").ok());
  EXPECT_TRUE(CheckIdentifier("record_id", std::string(64, 'r')).ok());
  EXPECT_TRUE(CheckIdentifier("record_id", "Fès-01 / ٣").ok());
  EXPECT_EQ(ViolationOf(CheckIdentifier("record_id", std::string(65, 'r'))).reason, "TOO_LONG");
  for (const std::string& bad :
       {std::string("a\0b", 3), std::string("a\tb"), std::string("a\x7f"), std::string("a\xc2\x85")}) {
    absl::Status s = CheckIdentifier("household_id", bad);
    EXPECT_EQ(ViolationOf(s).reason, "NOT_PRINTABLE");
    EXPECT_EQ(s.message(), "household_id: holds control characters");
  }
}

TEST(Identifiers, AreShortAndHarmlessInErrors) {
  EXPECT_EQ(ShortForError("MAP-1"), "MAP-1");
  EXPECT_EQ(ShortForError(std::string("a\0\nb", 4)), "a??b");
  EXPECT_EQ(ShortForError(std::string(100000, 'x')), std::string(64, 'x') + "...");
  EXPECT_EQ(ShortForError(std::string(63, 'x') + "é"), std::string(63, 'x') + "...") << "cut between characters";
}

// Found by registration_person_rules_fuzz: bytes that are not UTF-8 went through as they were,
// so that the text quoted was neither UTF-8 nor printable ("\xC2" then a control's "?" reads
// as a C1 control).
TEST(Identifiers, BytesThatAreNotUtf8AreNotQuoted) {
  EXPECT_EQ(ShortForError("\xC2\xC2\x01"), "???");
  EXPECT_EQ(ShortForError("a\xFF"
                          "b\xC3"
                          "c\xED\xA0\x80"),
            "a?b?c???");
  const std::string quoted = ShortForError("\xC2" + std::string(100, '\x80'));
  EXPECT_TRUE(IsPrintable(quoted)) << quoted;
  EXPECT_TRUE(CheckLength("quoted", quoted, 100).ok()) << "valid UTF-8";
}

}  // namespace
}  // namespace himaya::registration
