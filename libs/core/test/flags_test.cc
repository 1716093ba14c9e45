#include "core/flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, core_test_greeting, "hello", "a test flag");
ABSL_FLAG(int, core_test_count, 1, "a test flag");

namespace himaya::core {
namespace {

TEST(Flags, EnvironmentVariableName) { EXPECT_EQ(FlagEnvironmentVariable("grpc_address"), "HIMAYA_GRPC_ADDRESS"); }

TEST(Flags, EnvironmentSetsFlagAndCommandLineWins) {
  setenv("HIMAYA_CORE_TEST_GREETING", "salam", 1);
  setenv("HIMAYA_CORE_TEST_COUNT", "7", 1);
  char arg0[] = "prog";
  char arg1[] = "--core_test_count=9";
  char arg2[] = "positional";
  char* argv[] = {arg0, arg1, arg2};
  std::vector<std::string> rest = ParseFlags(3, argv, "test");
  EXPECT_EQ(absl::GetFlag(FLAGS_core_test_greeting), "salam");
  EXPECT_EQ(absl::GetFlag(FLAGS_core_test_count), 9);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0], "positional");
  unsetenv("HIMAYA_CORE_TEST_GREETING");
  unsetenv("HIMAYA_CORE_TEST_COUNT");
}

TEST(Flags, MalformedEnvironmentValueNamesTheVariable) {
  setenv("HIMAYA_CORE_TEST_COUNT", "many", 1);
  absl::Status status = ApplyEnvironmentToFlags();
  unsetenv("HIMAYA_CORE_TEST_COUNT");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("HIMAYA_CORE_TEST_COUNT"), absl::string_view::npos);
}

}  // namespace
}  // namespace himaya::core
