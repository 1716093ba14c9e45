// `himaya bench eligibility` as an operator runs it, small: it loads the insured through
// registration events, declares children, asks CheckEligibility about both beside the health
// Check and the batch form, and
// prints each figure with its baseline; a bad flag is one line and a non-zero exit. Real
// processes (its own stack in a temporary directory).

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;

class BenchEligibilityTest : public BenchTest {
 protected:
  BenchEligibilityTest() : BenchTest("eligibility", absl::Minutes(5)) {}
};

TEST_F(BenchEligibilityTest, PrintsEachFigureBesideItsBaseline) {
  BenchRun run = Bench({"--beneficiaries=3000", "--duration=1s", "--concurrency=2"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_GT(Figure(run.out, R"(applies 3000 registration events in [0-9.]+ s \(([0-9]+)/s\))"), 0) << run.out;
  EXPECT_GE(Figure(run.out, R"(raw insert of 3000 rows [0-9.]+ s \([0-9]+/s\); ratio ([0-9.]+))"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(CheckEligibility ([0-9]+)/s, p50 [0-9.]+ ms, p99 [0-9.]+ ms)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(health Check \(baseline, same server\) ([0-9]+)/s)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(p99 [0-9.]+ ms; ratio ([0-9.]+)\n)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(CheckEligibilityBatch of 1000: ([0-9]+) answers/s)"), 0) << run.out;
  // The dependents' path: a quarter of the insured get a child, asked about apart.
  EXPECT_GT(Figure(run.out, R"(declares 750 children in [0-9.]+ s \(([0-9]+)/s)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(CheckEligibility of children \(the dependent's path\) ([0-9]+)/s)"), 0) << run.out;
  // Asked about the service's today, not a fixed day.
  absl::TimeZone casablanca;
  ASSERT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &casablanca));
  EXPECT_THAT(run.out,
              HasSubstr(absl::StrCat("asked on ", absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), casablanca)))));
}

TEST_F(BenchEligibilityTest, ABadFlagIsOneLineAndStartsNothing) {
  for (const auto& [flag, says] :
       std::vector<std::pair<std::string, std::string>>{{"--beneficiaries=0", "--beneficiaries: from 1 to"},
                                                        {"--concurrency=0", "--concurrency: at least 1"},
                                                        {"--duration=0s", "--duration: more than 0"},
                                                        {"--dependents_share=2", "--dependents_share: from 0 to 1"}}) {
    ExpectRefusedAtOnce(flag, says);
  }
}

}  // namespace
}  // namespace himaya::cli
