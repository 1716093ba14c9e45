// What the tests of `himaya bench ...` share: the benchmark run to its end as a user runs it,
// and the figures read back from what it printed.
#pragma once

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya::cli {

using BenchRun = testing::CommandRun;

class BenchTest : public ::testing::Test {
 protected:
  // `benchmark` is the word after `himaya bench`; a run is stopped after `timeout`.
  BenchTest(std::string benchmark, absl::Duration timeout) : benchmark_(std::move(benchmark)), timeout_(timeout) {}

  BenchRun Bench(std::vector<std::string> flags) {
    std::vector<std::string> argv = {stack::DefaultBinDir() + "/himaya", "bench", benchmark_};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return testing::RunCommand({.argv = argv}, absl::StrCat(dir_.path(), "/run-", ++runs_), timeout_);
  }
  // Runs the benchmark with one bad `flag`: refused at once (exit 1, nothing printed on
  // stdout, nothing started) with one line on stderr that `says` why.
  void ExpectRefusedAtOnce(const std::string& flag, const std::string& says) {
    BenchRun run = Bench({flag});
    EXPECT_EQ(run.code, 1) << flag << run.out << run.err;
    EXPECT_EQ(run.err.rfind("himaya: ", 0), 0u) << flag << ": " << run.err;
    EXPECT_NE(run.err.find(says), std::string::npos) << flag << ": " << run.err << " should say " << says;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.out, "") << "nothing started";
  }
  // The number the first group of `pattern` matches in `text` (-1 when absent).
  static double Figure(const std::string& text, const std::string& pattern) {
    std::smatch m;
    double value = -1;
    if (std::regex_search(text, m, std::regex(pattern)) && !absl::SimpleAtod(m[1].str(), &value)) return -1;
    return value;
  }

  testing::TempDir dir_;

 private:
  const std::string benchmark_;
  const absl::Duration timeout_;
  int runs_ = 0;
};

}  // namespace himaya::cli
