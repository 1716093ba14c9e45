// `himaya bench intake` and `himaya bench notify` as an operator runs them, small: each prints
// its stages and its figure beside the baseline measured in the same run, as a ratio; a bad flag
// is one line and a non-zero exit. Real processes (their own stacks, a local PostgreSQL, a real
// Kannel, in temporary directories).
#include "absl/time/time.h"
#include "bench_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;

class BenchIntakeTest : public BenchTest {
 protected:
  BenchIntakeTest() : BenchTest("intake", absl::Minutes(8)) {}

  // Checks what one run printed: its three stages in order, then its figures.
  void ExpectFigures(const BenchRun& run, const std::string& backend) {
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_THAT(run.out, HasSubstr("bench intake: 3000 records, " + backend));
    const double received = Figure(run.out, R"(received at ([0-9.]+) s)");
    const double decided = Figure(run.out, R"(decided at ([0-9.]+) s)");
    const double published = Figure(run.out, R"(published at ([0-9.]+) s)");
    EXPECT_GT(received, 0) << run.out;
    EXPECT_LE(received, decided) << run.out;
    EXPECT_LE(decided, published) << run.out;
    EXPECT_GT(Figure(run.out, R"(\(([0-9]+) events\))"), 2000) << run.out;
    EXPECT_GT(Figure(run.out, R"(raw insert ([0-9.]+) s)"), 0) << run.out;
    EXPECT_GT(Figure(run.out, R"(ratio ([0-9.]+);)"), 0) << run.out;
    EXPECT_GT(Figure(run.out, R"(peak RSS ([0-9]+) MB)"), 0) << run.out;
  }
};

TEST_F(BenchIntakeTest, PrintsItsStagesAndItsRatioToTheRawInsertOnSqlite) {
  ExpectFigures(Bench({"--records=3000"}), "sqlite");
}

TEST_F(BenchIntakeTest, PrintsItsStagesAndItsRatioToTheRawInsertOnPostgres) {
  const BenchRun run = Bench({"--records=3000", "--backend=postgres"});
  ExpectFigures(run, "postgres");
  // The bulk load the service's bulks take, as a second baseline.
  EXPECT_GT(Figure(run.out, R"(raw COPY ([0-9.]+) s, ratio [0-9.]+;)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(raw COPY [0-9.]+ s, ratio ([0-9.]+);)"), 0) << run.out;
}

TEST_F(BenchIntakeTest, ABadBackendIsOneLineAndStartsNothing) {
  ExpectRefusedAtOnce("--backend=oracle", "backend: sqlite or postgres");
  ExpectRefusedAtOnce("--statements", "statements: only with --backend=postgres");
}

// Where the server's time went, by statement: the chunk query and the loads are among them.
TEST_F(BenchIntakeTest, PrintsTheServersTimeByStatementOnPostgres) {
  const BenchRun run = Bench({"--records=3000", "--backend=postgres", "--statements"});
  ExpectFigures(run, "postgres");
  EXPECT_THAT(run.out, HasSubstr("the server's time by statement (pg_stat_statements)")) << run.out;
  EXPECT_GT(Figure(run.out, R"(\n +[0-9]+ +([0-9]+) +[0-9]+  COPY persons )"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(\n +[0-9]+ +([0-9]+) +[0-9]+  SELECT r\.row_number)"), 0) << run.out;
}

class BenchNotifyTest : public BenchTest {
 protected:
  BenchNotifyTest() : BenchTest("notify", absl::Minutes(8)) {}
};

TEST_F(BenchNotifyTest, PrintsBothRatiosBesideTheirBaselines) {
  BenchRun run = Bench({"--messages=2000"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_GT(Figure(run.out, R"(first event queued ([0-9.]+) s later)"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(notify: ([0-9]+) events queued)"), 1900) << run.out;
  EXPECT_GT(Figure(run.out, R"(raw insert of 2000 rows [0-9.]+ s \([0-9]+/s\); ratio ([0-9.]+))"), 0) << run.out;
  EXPECT_GT(Figure(run.out, R"(notify: ([0-9]+) messages to Kannel)"), 1900) << run.out;
  EXPECT_GT(Figure(run.out, R"(plain HTTP client, 2000 SMS, [0-9.]+ s \([0-9]+/s\); ratio ([0-9.]+))"), 0) << run.out;
}

}  // namespace
}  // namespace himaya::cli
