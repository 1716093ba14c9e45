// The local stack with real processes (the embedded broker and registration): one stack per data
// directory, the activation code key made once and kept, and supervision restarting a killed
// service on its addresses with the flags it was started with.
#include "stack/local_stack.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rpc/client.h"
#include "testing/temp_dir.h"

namespace himaya::stack {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The command line a process was started with.
std::vector<std::string> CommandLine(pid_t pid) {
  return absl::StrSplit(Slurp(absl::StrCat("/proc/", pid, "/cmdline")), '\0', absl::SkipEmpty());
}

class LocalStackTest : public ::testing::Test {
 protected:
  // Broker and registration only: what every case here needs.
  StackOptions Options() const {
    StackOptions options;
    options.data_dir = data_dir();
    options.services = {"registration"};
    return options;
  }
  std::string data_dir() const { return dir_.path() + "/stack"; }
  void StartStack() {
    auto started = LocalStack::Start(Options());
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
  }
  // Supervises until it says `service` serves again; the lines Supervise returned meanwhile.
  std::vector<std::string> SuperviseUntilServing(const std::string& service) {
    std::vector<std::string> lines;
    absl::Status served = WaitUntil(
        [&] {
          for (std::string& line : stack_->Supervise()) lines.push_back(std::move(line));
          return !lines.empty() && absl::StrContains(lines.back(), service + " serves again");
        },
        absl::Seconds(60), service + " to serve again");
    EXPECT_TRUE(served.ok()) << served << ": " << ::testing::PrintToString(lines);
    EXPECT_TRUE(rpc::CheckHealth(stack_->endpoint(service).grpc).value_or(false));
    return lines;
  }

  testing::TempDir dir_;
  std::unique_ptr<LocalStack> stack_;
};

TEST_F(LocalStackTest, ASecondStackOnTheSameDirectoryIsRefusedUntilTheFirstStops) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  const std::string run_file = data_dir() + "/run/registration.json";
  const std::string before = Slurp(run_file);
  ASSERT_FALSE(before.empty());

  absl::StatusOr<std::unique_ptr<LocalStack>> second = LocalStack::Start(Options());
  ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_THAT(second.status().message(),
              HasSubstr(absl::StrCat("another stack is running on ", data_dir(), " (pid ", getpid(), ")")));
  EXPECT_EQ(Slurp(run_file), before) << "the first stack's run files are kept";
  EXPECT_EQ(RemoveDataDir(data_dir()).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(rpc::CheckHealth(stack_->endpoint("registration").grpc).value_or(false)) << "the first runs on";

  stack_->Stop();
  absl::StatusOr<std::unique_ptr<LocalStack>> third = LocalStack::Start(Options());
  EXPECT_TRUE(third.ok()) << "the lock is released when the first stops: " << third.status();
  if (third.ok()) third->reset();
  EXPECT_TRUE(RemoveDataDir(data_dir()).ok());
}

TEST_F(LocalStackTest, TheActivationCodeKeyIsMadeOnceAndKeptAcrossRestarts) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  const std::string key_file = data_dir() + "/secrets/activation_code.key";
  const std::string key = Slurp(key_file);
  EXPECT_THAT(key, ::testing::MatchesRegex("[0-9a-f]{64}\n"));
  struct stat st {};
  ASSERT_EQ(stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "readable by its owner only";
  EXPECT_THAT(CommandLine(stack_->pid("registration")), Contains("--activation_code_key_file=" + key_file));

  stack_.reset();
  StartStack();
  ASSERT_NE(stack_, nullptr);
  EXPECT_EQ(Slurp(key_file), key) << "codes sent before the restart still work";

  // Another stack has another key.
  testing::TempDir other;
  StackOptions options = Options();
  options.data_dir = other.path();
  stack_.reset();
  auto started = LocalStack::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_NE(Slurp(other.path() + "/secrets/activation_code.key"), key);
}

TEST_F(LocalStackTest, TheAttestationKeyIsMadeOnceAndKeptAcrossRestarts) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  const std::string key_file = data_dir() + "/secrets/attestation/stack-1.key";
  const std::string key = Slurp(key_file);
  EXPECT_THAT(key, ::testing::MatchesRegex("[0-9a-f]{64}\n"));
  EXPECT_THAT(Slurp(data_dir() + "/secrets/attestation/stack-1.pub"), ::testing::MatchesRegex("[0-9a-f]{64}\n"));
  stack_.reset();
  StartStack();
  ASSERT_NE(stack_, nullptr);
  EXPECT_EQ(Slurp(key_file), key) << "certificates issued before the restart still verify";
}

TEST_F(LocalStackTest, AKilledServiceIsRestartedOnItsAddressesWhileTheBrokerRunsOn) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  const Endpoint before = stack_->endpoint("registration");
  const pid_t killed = stack_->pid("registration");
  const pid_t broker = stack_->pid("broker");
  ASSERT_EQ(kill(killed, SIGKILL), 0);

  std::vector<std::string> lines = SuperviseUntilServing("registration");
  ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
  EXPECT_THAT(lines[0], HasSubstr("registration killed by signal 9"));
  EXPECT_THAT(lines[0], HasSubstr("restarting in 500ms"));
  EXPECT_THAT(lines[1], HasSubstr("registration restarted (pid "));
  EXPECT_THAT(lines[2], HasSubstr("registration serves again on " + before.grpc));
  EXPECT_NE(stack_->pid("registration"), killed);
  EXPECT_EQ(stack_->endpoint("registration").grpc, before.grpc);
  EXPECT_EQ(stack_->endpoint("registration").metrics, before.metrics);
  EXPECT_EQ(stack_->pid("broker"), broker) << "the broker is the same process";
  EXPECT_EQ(stack_->restarts("registration"), 1);
  EXPECT_EQ(ReadRestarts(data_dir()).value_or(std::map<std::string, int>{})["registration"], 1);

  // A service stopped on purpose is not restarted.
  stack_->StopService("registration", SIGTERM);
  EXPECT_TRUE(stack_->Supervise().empty());
  EXPECT_EQ(stack_->pid("registration"), 0);
}

TEST_F(LocalStackTest, ARestartedServiceKeepsTheFlagsItWasStartedWith) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  const std::vector<std::string> own_flags = {"--handler_queue=77"};
  ASSERT_TRUE(stack_->StartService("registration", &own_flags).ok());
  ASSERT_THAT(CommandLine(stack_->pid("registration")), Contains("--handler_queue=77"));

  ASSERT_EQ(kill(stack_->pid("registration"), SIGKILL), 0);
  SuperviseUntilServing("registration");
  EXPECT_THAT(CommandLine(stack_->pid("registration")), Contains("--handler_queue=77"));
}

}  // namespace
}  // namespace himaya::stack
