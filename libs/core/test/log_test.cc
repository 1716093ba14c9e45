#include "core/log.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace himaya::log {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTesting(&out_);
    SetService("unit");
    SetMinLevel(Level::kInfo);
  }
  void TearDown() override { SetSinkForTesting(nullptr); }
  std::ostringstream out_;
};

TEST(Pii, MasksAllButEnds) {
  EXPECT_EQ(Pii("BK123456").Masked(), "BK****56");
  EXPECT_EQ(Pii("+212612345678").Masked(), "+2*********78");
  EXPECT_EQ(Pii("Amina").Masked(), "A***a");
  EXPECT_EQ(Pii("Ali").Masked(), "***");
  EXPECT_EQ(Pii("").Masked(), "");
}

TEST_F(LogTest, WritesOneJsonObjectPerLineWithFields) {
  Info("person registered", {{"registration_number", "100000017"}, {"rows", 3}, {"ok", true}});
  std::string text = out_.str();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["service"], "unit");
  EXPECT_EQ(line["msg"], "person registered");
  EXPECT_EQ(line["registration_number"], "100000017");
  EXPECT_EQ(line["rows"], 3);
  EXPECT_EQ(line["ok"], true);
  EXPECT_TRUE(line.contains("ts"));
}

TEST_F(LogTest, PersonalDataNeverAppearsInClear) {
  Warn("lookup", {{"cin", Pii("BK123456")}, {"phone", Pii("+212612345678")}});
  EXPECT_THAT(out_.str(), Not(HasSubstr("BK123456")));
  EXPECT_THAT(out_.str(), Not(HasSubstr("612345678")));
  EXPECT_THAT(out_.str(), HasSubstr("BK****56"));
}

TEST_F(LogTest, DropsLinesBelowMinimumLevel) {
  Debug("noise");
  EXPECT_TRUE(out_.str().empty());
  SetMinLevel(Level::kDebug);
  Debug("now visible");
  EXPECT_THAT(out_.str(), HasSubstr("now visible"));
}

TEST_F(LogTest, InvalidUtf8DoesNotThrow) {
  Error("bad bytes", {{"value", std::string("\xff\xfe")}});
  EXPECT_THAT(out_.str(), HasSubstr("bad bytes"));
}

TEST(ParseLevel, KnownAndUnknown) {
  Level level;
  EXPECT_TRUE(ParseLevel("warning", &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace himaya::log
