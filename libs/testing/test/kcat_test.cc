#include "testing/kcat.h"

#include "gtest/gtest.h"

namespace himaya::testing {
namespace {

TEST(ParseKcatOutput, ReadsKeysAndValuesOfAnyBytes) {
  const std::string value_with_separators("a:b\n5:c\0d", 9);
  const std::string output = "6:1000175:hello" + std::string("0:9:") + value_with_separators + "-1:-1:";
  absl::StatusOr<std::vector<KcatRecord>> records = ParseKcatOutput(output);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].key, "100017");
  EXPECT_EQ((*records)[0].value, "hello");
  EXPECT_EQ((*records)[1].key, "");
  EXPECT_EQ((*records)[1].value, value_with_separators);
  EXPECT_EQ((*records)[2].key, "") << "a null key";
  EXPECT_EQ((*records)[2].value, "") << "a null value";
}

TEST(ParseKcatOutput, NothingIsNoMessage) {
  absl::StatusOr<std::vector<KcatRecord>> records = ParseKcatOutput("");
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST(ParseKcatOutput, OutputOfAnotherShapeIsDataLoss) {
  for (const char* bad : {"5:abc", "x:1:a", "1:a", "1:a9:short", "-2::"}) {
    EXPECT_EQ(ParseKcatOutput(bad).status().code(), absl::StatusCode::kDataLoss) << bad;
  }
}

}  // namespace
}  // namespace himaya::testing
