// `himaya bench allowances` as an operator runs it, small: it fills a beneficiary database with
// households, times the run beside raw inserts and prints the ratio and the peak memory at two
// sizes; a bad flag is one line and a non-zero exit. Real processes (its own stacks in
// temporary directories).
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;

class BenchAllowancesTest : public BenchTest {
 protected:
  BenchAllowancesTest() : BenchTest("allowances", absl::Minutes(8)) {}
};

TEST_F(BenchAllowancesTest, PrintsTheRunBesideItsBaselineAndThePeakMemoryAtTwoSizes) {
  BenchRun run = Bench({"--households=3000"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("bench allowances: 3000 households then 300"));
  EXPECT_GT(Figure(run.out, R"(allowances: 3000 households \(([0-9]+) children\))"), 3000) << run.out;
  EXPECT_GT(Figure(run.out, R"(allowances: 300 households \(([0-9]+) children\))"), 300) << run.out;
  EXPECT_GT(Figure(run.out, R"(ratio ([0-9.]+);)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(peak RSS ([0-9]+) MiB at 3000 households)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(net ([0-9.]+) MAD)"), 0) << run.out;
}

TEST_F(BenchAllowancesTest, ABadFlagIsOneLineAndStartsNothing) {
  ExpectRefusedAtOnce("--households=5", "--households: from 10 to");
}

}  // namespace
}  // namespace himaya::cli
