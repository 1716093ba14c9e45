#include "notification/src/templates.h"

#include <map>

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

TEST(Templates, ClaimTextsSayTheOutcomeInWordsOfTheLanguageAndTheAmountInDirhams) {
  const Templates& t = Templates::Shipped();
  const std::map<std::string, std::map<std::string, std::string>> words = {
      {"fr", {{"ACCEPTED", "est accepte."}, {"PARTIAL", "est accepte en partie."}, {"REJECTED", "est refuse."}}},
      {"ar", {{"ACCEPTED", "مقبول"}, {"PARTIAL", "مقبول جزئيا"}, {"REJECTED", "مرفوض"}}}};
  for (const auto& [language, outcomes] : words) {
    for (const auto& [outcome, said] : outcomes) {
      auto text = t.Render("claim_decided", language,
                           {{"registration_number", "100000017"},
                            {"claim_id", "F-2026-000123"},
                            {"outcome", outcome},
                            {"amount", "123.45"}});
      ASSERT_TRUE(text.ok()) << language << " " << outcome << ": " << text.status();
      EXPECT_THAT(*text, HasSubstr("F-2026-000123"));
      EXPECT_THAT(*text, HasSubstr(said));
      EXPECT_THAT(*text, HasSubstr("123.45"));
      EXPECT_THAT(*text, ::testing::Not(HasSubstr(outcome))) << "the code is not what the insured reads";
      EXPECT_THAT(*text, ::testing::Not(HasSubstr("{")));
      EXPECT_LE(MeasureSms(*text).parts, language == "fr" ? 1 : 2) << *text;
    }
    auto paid = t.Render("claim_paid", language,
                         {{"registration_number", "100000017"}, {"claim_id", "F-2026-000123"}, {"amount", "80.10"}});
    ASSERT_TRUE(paid.ok()) << paid.status();
    EXPECT_THAT(*paid, HasSubstr("F-2026-000123"));
    EXPECT_THAT(*paid, HasSubstr("80.10"));
  }
  EXPECT_TRUE(t.NeedsEventValues("claim_decided"));
  EXPECT_TRUE(t.NeedsEventValues("claim_paid"));
  EXPECT_FALSE(t.NeedsEventValues("activation"));
  EXPECT_FALSE(t.NeedsEventValues("reminder"));
  EXPECT_FALSE(t.NeedsEventValues("nope"));
}

TEST(Templates, AnOutcomeWithoutWordsInTheLanguageIsAnError) {
  const Templates& t = Templates::Shipped();
  auto unknown = t.Render("claim_decided", "fr", {{"claim_id", "F1"}, {"outcome", "MAYBE"}, {"amount", "1.00"}});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("MAYBE"));
  auto parsed = Templates::Parse(R"({"version": 2, "portal_url": "x",
      "templates": {"t": {"fr": "{outcome}", "ar": "{outcome}"}},
      "words": {"outcome": {"fr": {"ACCEPTED": "accepte"}}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed->Render("t", "fr", {{"outcome", "ACCEPTED"}}), "accepte");
  EXPECT_EQ(parsed->Render("t", "ar", {{"outcome", "ACCEPTED"}}).status().code(), absl::StatusCode::kInvalidArgument)
      << "no Arabic words";
}

TEST(Templates, WordsAreCheckedAtLoad) {
  for (const char* bad : {R"({"version": 2, "portal_url": "x", "templates": {}, "words": []})",
                          R"({"version": 2, "portal_url": "x", "templates": {}, "words": {"name": {}}})",
                          R"({"version": 2, "portal_url": "x", "templates": {}, "words": {"outcome": []}})",
                          R"({"version": 2, "portal_url": "x", "templates": {}, "words": {"outcome": {"fr": 1}}})",
                          R"({"version": 2, "portal_url": "x", "templates": {},
                              "words": {"outcome": {"fr": {"ACCEPTED": 1}}}})"}) {
    EXPECT_EQ(Templates::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
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
