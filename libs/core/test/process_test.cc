#include "core/process.h"

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::core {
namespace {

TEST(Subprocess, CapturesOutputAndExitCode) {
  testing::TempDir dir;
  std::string out = dir.path() + "/out.txt";
  auto child = Subprocess::Start(
      {.argv = {"/bin/sh", "-c", "echo $GREETING; exit 3"}, .env = {{"GREETING", "marhaba"}}, .stdout_path = out});
  ASSERT_TRUE(child.ok()) << child.status();
  std::optional<int> status = child->Wait(absl::Seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 3);
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with code 3");
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "marhaba\n");
}

TEST(Subprocess, StopSendsTermThenKill) {
  testing::TempDir dir;
  const std::string ready = dir.path() + "/trap-installed";
  auto child = Subprocess::Start(
      {.argv = {"/bin/sh", "-c", "trap '' TERM; : > \"$READY\"; sleep 30"}, .env = {{"READY", ready}}});
  ASSERT_TRUE(child.ok());
  EXPECT_TRUE(child->Running());
  // The shell ignores TERM once it says so.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!std::filesystem::exists(ready) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(std::filesystem::exists(ready)) << "the shell never installed its trap";
  int status = child->Stop(absl::Milliseconds(300));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_FALSE(child->Running());
}

TEST(Subprocess, MissingProgramIsAClearError) {
  auto child = Subprocess::Start({.argv = {"/nonexistent/program"}});
  ASSERT_FALSE(child.ok());
  EXPECT_NE(child.status().message().find("/nonexistent/program"), absl::string_view::npos);
}

}  // namespace
}  // namespace himaya::core
