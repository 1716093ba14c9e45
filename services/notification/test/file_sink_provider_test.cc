// The local stack's SMS sink: one JSON line per SMS, whatever bytes the text holds.
#include "notification/src/file_sink_provider.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace himaya::notification {
namespace {

TEST(FileSinkProvider, WritesOneJsonLinePerSmsEvenForInvalidUtf8) {
  testing::TempDir dir;
  FileSinkProvider sink(dir.path() + "/sms.jsonl", nullptr);
  ASSERT_TRUE(sink.Submit({"m1", "+212612345678", "salam", SmsEncoding::kGsm7}).ok());
  absl::StatusOr<std::string> odd = sink.Submit({"m2", "+212612345678", "bad \xff\xfe bytes", SmsEncoding::kGsm7});
  ASSERT_TRUE(odd.ok()) << odd.status();
  std::ifstream in(dir.path() + "/sms.jsonl");
  std::vector<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(json.is_object()) << line;
    ids.push_back(json.value("message_id", ""));
  }
  EXPECT_THAT(ids, ::testing::ElementsAre("m1", "m2"));
}

}  // namespace
}  // namespace himaya::notification
