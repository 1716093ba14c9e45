// `himaya bench claims` as an operator runs it, small: it registers the insured through a liaison
// batch, imports the sample TNR, generates the file, submits it and prints the time of each stage
// and files/s to the last ClaimDecided on Kafka, beside raw inserts of as many items; a bad flag is
// one line and a non-zero exit. Real processes (its own stack in a temporary directory).

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;

class BenchClaimsTest : public BenchTest {
 protected:
  BenchClaimsTest() : BenchTest("claims", absl::Minutes(8)) {}
};

TEST_F(BenchClaimsTest, PrintsEachStageAndTheRateBesideItsBaseline) {
  BenchRun run = Bench({"--claims=2000"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("bench claims: 2000 files for 200 insured"));
  EXPECT_GT(Figure(run.out, R"(registered ([0-9]+) insured and imported the sample TNR \(49 acts\))"), 199) << run.out;
  const double items = Figure(run.out, R"(generated 2000 files, ([0-9]+) items)");
  EXPECT_GT(items, 5000) << run.out;
  EXPECT_LT(items, 7000) << run.out;
  const double received = Figure(run.out, R"(received at ([0-9.]+) s)");
  const double decided = Figure(run.out, R"(every file decided or in review at ([0-9.]+) s)");
  const double published = Figure(run.out, R"(last ClaimDecided on Kafka at ([0-9.]+) s)");
  EXPECT_GE(received, 0) << run.out;
  EXPECT_GE(decided, received) << run.out;
  EXPECT_GT(published, 0) << run.out;
  // Every file has its outcome; most are paid something.
  const double accepted = Figure(run.out, R"(files: ACCEPTED ([0-9]+))");
  const double partial = Figure(run.out, R"(PARTIAL ([0-9]+))");
  const double rejected = Figure(run.out, R"(REJECTED ([0-9]+))");
  const double review = Figure(run.out, R"(IN_REVIEW ([0-9]+))");
  EXPECT_EQ(accepted + partial + rejected + review, 2000) << run.out;
  EXPECT_GT(accepted + partial, 1000) << run.out;
  EXPECT_GT(Figure(run.out, R"(in [0-9.]+ s end to end \(([0-9]+) files/s\))"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(raw insert of [0-9]+ items [0-9.]+ s \(([0-9]+) items/s\))"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(ratio ([0-9.]+)\n)"), 0) << run.out;
}

TEST_F(BenchClaimsTest, ABadFlagIsOneLineAndStartsNothing) {
  for (const auto& [flag, says] : std::vector<std::pair<std::string, std::string>>{
           {"--claims=0", "--claims: from 1 to"}, {"--insured_count=-1", "--insured_count: at least 1"}}) {
    ExpectRefusedAtOnce(flag, says);
  }
}

}  // namespace
}  // namespace himaya::cli
