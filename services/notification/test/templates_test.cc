#include "notification/src/templates.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "notification/src/sms_text.h"

namespace himaya::notification {
namespace {

using ::testing::HasSubstr;

TEST(Templates, ShippedActivationTextsFitAndRender) {
  const Templates& t = Templates::Shipped();
  EXPECT_GE(t.version(), 1);
  EXPECT_TRUE(t.NeedsActivationCode("activation"));
  EXPECT_FALSE(t.NeedsActivationCode("reminder"));
  for (const char* language : {"fr", "ar"}) {
    auto text =
        t.Render("activation", language, {{"registration_number", "100000017"}, {"activation_code", "K7M2-QX9P"}});
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_THAT(*text, HasSubstr("100000017"));
    EXPECT_THAT(*text, HasSubstr("K7M2-QX9P"));
    EXPECT_THAT(*text, HasSubstr("https://portail.himaya.ma"));
    EXPECT_THAT(*text, ::testing::Not(HasSubstr("{")));
  }
  // French stays in the 7-bit alphabet; Arabic is UCS-2. Both fit in 3 parts.
  auto fr = *t.Render("activation", "fr", {{"registration_number", "100000017"}, {"activation_code", "K7M2-QX9P"}});
  auto ar = *t.Render("activation", "ar", {{"registration_number", "100000017"}, {"activation_code", "K7M2-QX9P"}});
  EXPECT_EQ(MeasureSms(fr).encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(MeasureSms(fr).parts, 1);
  EXPECT_EQ(MeasureSms(ar).encoding, SmsEncoding::kUcs2);
  EXPECT_LE(MeasureSms(ar).parts, 3);
}

TEST(Templates, MissingValuesTemplatesAndLanguagesAreErrors) {
  const Templates& t = Templates::Shipped();
  EXPECT_EQ(t.Render("activation", "fr", {{"registration_number", "1"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.Render("nope", "fr", {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(t.Render("activation", "en", {}).status().code(), absl::StatusCode::kNotFound);
}

TEST(Templates, UnknownPlaceholdersAreRefusedAtLoad) {
  auto bad = Templates::Parse(R"({"version": 2, "portal_url": "x", "templates": {"t": {"fr": "hi {name}"}}})");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("{name}"));
  EXPECT_FALSE(Templates::Parse("[]").ok());
}

TEST(Templates, MalformedJsonAndWrongTypesAreErrorsNotExceptions) {
  for (const char* bad :
       {R"({"version": )", "", R"({"version": "2", "portal_url": "x", "templates": {}})",
        R"({"version": 2, "portal_url": 3, "templates": {}})", R"({"version": 2, "portal_url": "x", "templates": []})",
        R"({"version": 2, "portal_url": "x", "templates": {"t": "hi"}})",
        R"({"version": 2, "portal_url": "x", "templates": {"t": {"fr": 1}}})",
        R"({"portal_url": "x", "templates": {}})"}) {
    absl::StatusOr<Templates> parsed = Templates::Parse(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace himaya::notification
