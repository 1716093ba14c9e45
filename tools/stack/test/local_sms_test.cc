// The local stack's SMS read back: every line that is an SMS, and the activation code of the
// last one sent about a person (a resent code replaces the first).
#include "stack/local_sms.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::stack {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TEST(LocalSms, NoFileIsNoSms) {
  testing::TempDir dir;
  EXPECT_TRUE(ReadSentSms(dir.path()).empty());
  EXPECT_EQ(LastActivationCode(dir.path(), "100000017").status().code(), absl::StatusCode::kNotFound);
}

TEST(LocalSms, TheLastCodeSentAboutThePersonSkippingOthersAndHalfWrittenLines) {
  testing::TempDir dir;
  Write(dir.path() + "/sms.jsonl",
        R"({"message_id":"m1","to":"+212612345678","text":"numero 100000017. Code d'activation: AB12-CD34. Activez"})"
        "\n"
        R"({"message_id":"m2","to":"+212600000000","text":"numero 100000025. Code d'activation: ZZZZ-9999."})"
        "\n"
        R"({"message_id":"m3","to":"+212612345678","text":"رقم 100000017. رمز التفعيل: EF56-GH78."})"
        "\n"
        R"({"message_id":"m4","to":"+212612345678","text":"votre dossier 100000017 est paye"})"
        "\n"
        R"({"message_id":"m5","to":"+2126)");
  std::vector<SentSms> sent = ReadSentSms(dir.path());
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].message_id, "m1");
  EXPECT_EQ(sent[0].to, "+212612345678");
  EXPECT_EQ(sent[3].text, "votre dossier 100000017 est paye");
  auto code = LastActivationCode(dir.path(), "100000017");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, "EF56-GH78");
  EXPECT_EQ(*LastActivationCode(dir.path(), "100000025"), "ZZZZ-9999");
  EXPECT_EQ(LastActivationCode(dir.path(), "100000033").status().code(), absl::StatusCode::kNotFound);
}

TEST(LocalSms, AFieldOfAnotherTypeIsReadAsEmpty) {
  testing::TempDir dir;
  Write(dir.path() + "/sms.jsonl", R"({"message_id":7,"to":null,"text":"Code AB12-CD34 100000017"})"
                                   "\n"
                                   R"({"message_id":"m2","text":3})"
                                   "\n");
  std::vector<SentSms> sent = ReadSentSms(dir.path());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message_id, "");
  EXPECT_EQ(sent[0].to, "");
}

}  // namespace
}  // namespace himaya::stack
