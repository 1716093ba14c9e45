// `himaya bench gateway` as an operator runs it, small: its own stack, an insured logged in
// through the gateway, then wrk on GET /v1/me/eligibility beside the static answer and direct
// gRPC, each with its rate and p50/p99 and the ratios; the same as JSON; a bad flag is one
// line and a non-zero exit. Real processes and Debian's wrk.

#include "bench_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;

class BenchGatewayTest : public BenchTest {
 protected:
  BenchGatewayTest() : BenchTest("gateway", absl::Minutes(5)) {}
};

TEST_F(BenchGatewayTest, PrintsTheGatewayBesideTheStaticAnswerAndDirectGrpcAsRatios) {
  BenchRun run = Bench({"--registered=3", "--duration=1s", "--concurrency=2"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("3 insured registered and covered, one account activated and logged in"));
  const std::string figures = R"( +([0-9]+) +([0-9.]+) +([0-9.]+)\n)";
  for (const std::string load : {R"(static answer \(GET /openapi\.json\))", R"(gateway \(GET /v1/me/eligibility\))",
                                 R"(direct gRPC \(CheckEligibility\))"}) {
    EXPECT_GT(Figure(run.out, load + figures), 0) << load << "\n" << run.out;
  }
  const double to_static = Figure(run.out, R"(gateway: ([0-9.]+) of the static answer's rate)");
  const double to_direct = Figure(run.out, R"(, ([0-9.]+) of direct gRPC's)");
  EXPECT_GT(to_static, 0) << run.out;
  EXPECT_GT(to_direct, 0) << run.out;
}

TEST_F(BenchGatewayTest, JsonHoldsEachLoadAndTheRatios) {
  BenchRun run = Bench({"--registered=1", "--duration=1s", "--concurrency=1", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json out = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(out.is_discarded()) << "only JSON on stdout: " << run.out;
  for (const char* load : {"static", "gateway", "direct_grpc"}) {
    ASSERT_TRUE(out.contains(load)) << out.dump(2);
    EXPECT_GT(out[load].value("requests", 0), 0) << load;
    EXPECT_GT(out[load].value("requests_per_second", 0.0), 0) << load;
    EXPECT_GT(out[load].value("p99_ms", 0.0), 0) << load;
    EXPECT_LE(out[load].value("p50_ms", 0.0), out[load].value("p99_ms", 0.0)) << load;
  }
  const double gateway = out["gateway"]["requests_per_second"];
  EXPECT_DOUBLE_EQ(out["ratios"].value("gateway_to_static", 0.0),
                   gateway / out["static"]["requests_per_second"].get<double>());
  EXPECT_DOUBLE_EQ(out["ratios"].value("gateway_to_direct_grpc", 0.0),
                   gateway / out["direct_grpc"]["requests_per_second"].get<double>());
}

TEST_F(BenchGatewayTest, ABadFlagIsOneLineAndStartsNothing) {
  for (const auto& [flag, says] :
       std::vector<std::pair<std::string, std::string>>{{"--registered=0", "--registered: from 1 to 100,000"},
                                                        {"--concurrency=0", "--concurrency: from 1 to 1,000"},
                                                        {"--duration=500ms", "--duration: at least 1s"},
                                                        {"--output=xml", "--output"}}) {
    ExpectRefusedAtOnce(flag, says);
  }
}

}  // namespace
}  // namespace himaya::cli
