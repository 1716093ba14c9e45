#include "core/programs.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::core {
namespace {

using ::testing::ElementsAre;

TEST(Programs, EmptyOrAllMeansEveryProgram) {
  EXPECT_EQ(*ParsePrograms(""), AllPrograms());
  EXPECT_EQ(*ParsePrograms("all"), AllPrograms());
}

TEST(Programs, ParsesSubsetWithoutDuplicates) {
  EXPECT_THAT(*ParsePrograms(" amo-tadamon , amo-tns,amo-tadamon"), ElementsAre("amo-tadamon", "amo-tns"));
}

TEST(Programs, UnknownProgramIsNamed) {
  auto parsed = ParsePrograms("amo-tns,retirement");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("retirement"), absl::string_view::npos);
}

}  // namespace
}  // namespace himaya::core
