#include "core/strict_json.h"

#include "gtest/gtest.h"

namespace himaya::core {
namespace {

TEST(ParseStrictJson, NotesTheFirstKeyRepeatedInOneObjectAtAnyDepth) {
  EXPECT_EQ(ParseStrictJson(R"({"a": 1, "b": {"c": 1, "c": 2}, "a": 3})").repeated, "c");
  EXPECT_EQ(ParseStrictJson(R"({"a": 1, "a": 2})").repeated, "a");
  EXPECT_EQ(ParseStrictJson(R"([{"a": 1}, {"a": 2}])").repeated, std::nullopt) << "two objects, once each";
  StrictJson ok = ParseStrictJson(R"({"a": {"a": 1}})");
  EXPECT_EQ(ok.repeated, std::nullopt);
  EXPECT_EQ(ok.json["a"]["a"], 1);
}

TEST(ParseStrictJson, TextThatIsNotJsonIsDiscarded) {
  EXPECT_TRUE(ParseStrictJson("{\"a\": ").json.is_discarded());
  EXPECT_TRUE(ParseStrictJson("").json.is_discarded());
}

TEST(QuotableKey, IsBoundedAndPrintable) {
  EXPECT_EQ(QuotableKey("rates"), "rates");
  EXPECT_EQ(QuotableKey(std::string("a\nb\x01", 4)), "a?b?");
  EXPECT_EQ(QuotableKey(std::string(70, 'k')), std::string(64, 'k') + "...");
}

}  // namespace
}  // namespace himaya::core
