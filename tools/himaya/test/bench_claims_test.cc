// `himaya bench claims` as an operator runs it, small: it registers the insured through a liaison
// batch, imports the sample TNR, generates the file, submits it and prints the time of each stage
// and files/s to the last ClaimDecided on Kafka, beside raw inserts of as many items; a bad flag is
// one line and a non-zero exit. Real processes (its own stack in a temporary directory).
#include <sys/wait.h>

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"
#include "testing/temp_dir.h"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct BenchRun {
  int code = -1;
  std::string out;
  std::string err;
};

class BenchClaimsTest : public ::testing::Test {
 protected:
  BenchRun Bench(std::vector<std::string> flags) {
    std::vector<std::string> argv = {stack::DefaultBinDir() + "/himaya", "bench", "claims"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const std::string out = absl::StrCat(dir_.path(), "/run-", ++runs_, ".out");
    const std::string err = absl::StrCat(dir_.path(), "/run-", runs_, ".err");
    auto p = core::Subprocess::Start({.argv = argv, .stdout_path = out, .stderr_path = err});
    if (!p.ok()) return {-1, "", std::string(p.status().message())};
    std::optional<int> status = p->Wait(absl::Minutes(8));
    BenchRun run{-1, ReadFile(out), ReadFile(err)};
    if (status && WIFEXITED(*status)) run.code = WEXITSTATUS(*status);
    return run;
  }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  testing::TempDir dir_;
  int runs_ = 0;
};

TEST_F(BenchClaimsTest, ABadFlagIsOneLineAndStartsNothing) {
  for (const auto& [flag, says] : std::vector<std::pair<std::string, std::string>>{
           {"--claims=0", "--claims: from 1 to"}, {"--insured_count=-1", "--insured_count: at least 1"}}) {
    BenchRun run = Bench({flag});
    EXPECT_EQ(run.code, 1) << flag << run.out << run.err;
    EXPECT_THAT(run.err, StartsWith("himaya: ")) << flag;
    EXPECT_THAT(run.err, HasSubstr(says)) << flag;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.out, "") << "nothing started";
  }
}

}  // namespace
}  // namespace himaya::cli
