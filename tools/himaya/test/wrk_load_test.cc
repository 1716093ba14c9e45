// wrk's report read back (rates, percentiles in each unit wrk prints, refused answers and socket
// errors), the Lua script adding our headers, and a real wrk run against a server in the test
// that checks the header arrived on every request.
#include "wrk_load.h"

#include <httplib.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::cli {
namespace {

using ::testing::HasSubstr;

// As wrk 4.1 prints it (Debian 12), every answer 2xx.
constexpr char kReport[] = R"(Running 2s test @ http://127.0.0.1:8080/v1/me/eligibility
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   635.91us    0.89ms  12.92ms   93.69%
    Req/Sec     6.20k     0.87k    7.00k    86.54%
  Latency Distribution
     50%  250.00us
     75%  491.00us
     90%  700.00us
     99%    5.80ms
  24800 requests in 2.00s, 9.81MB read
Requests/sec:  12400.50
Transfer/sec:      4.90MB
)";

TEST(ParseWrkReport, ReadsTheRateAndPercentiles) {
  auto figures = ParseWrkReport(kReport);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->requests, 24800);
  EXPECT_EQ(figures->failures, 0);
  EXPECT_DOUBLE_EQ(figures->per_second, 12400.50);
  EXPECT_DOUBLE_EQ(figures->p50_ms, 0.25);
  EXPECT_DOUBLE_EQ(figures->p99_ms, 5.80);
}

TEST(ParseWrkReport, ReadsSecondsAndMinutes) {
  std::string report = kReport;
  report.replace(report.find("250.00us"), 8, "1.50s");
  report.replace(report.find("  5.80ms"), 8, "2.00m");
  auto figures = ParseWrkReport(report);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_DOUBLE_EQ(figures->p50_ms, 1500);
  EXPECT_DOUBLE_EQ(figures->p99_ms, 120000);
}

TEST(ParseWrkReport, AnswersOtherThan2xxAndSocketErrorsAreFailures) {
  std::string report = kReport;
  report.insert(report.find("Requests/sec"),
                "  Non-2xx or 3xx responses: 800\n  Socket errors: connect 0, read 3, write 0, timeout 2\n");
  auto figures = ParseWrkReport(report);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->requests, 24000);
  EXPECT_EQ(figures->failures, 805);
  EXPECT_EQ(figures->first_failure, "800 answers other than 2xx or 3xx");
  // The rate counts only the expected answers.
  EXPECT_DOUBLE_EQ(figures->per_second, 12400.50 * 24000 / 24800);
}

TEST(ParseWrkReport, EveryAnswerRefused) {
  // A real run against a server answering 404 to everything.
  auto figures = ParseWrkReport(R"(Running 1s test @ http://127.0.0.1:18777/nonexistent
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.25ms    2.36ms  17.93ms   81.70%
    Req/Sec   637.60    126.57     0.85k    70.00%
  Latency Distribution
     50%    2.58ms
     75%    4.46ms
     90%    6.27ms
     99%   10.70ms
  636 requests in 1.00s, 322.97KB read
  Non-2xx or 3xx responses: 636
Requests/sec:    633.82
Transfer/sec:    321.86KB
)");
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->requests, 0);
  EXPECT_EQ(figures->failures, 636);
  EXPECT_EQ(figures->per_second, 0);
}

TEST(ParseWrkReport, AReportWithoutItsFiguresIsRefusedNamingWhatIsMissing) {
  auto without = [](const std::string& cut) {
    std::string report = kReport;
    report.erase(report.find(cut), cut.size());
    return ParseWrkReport(report).status();
  };
  EXPECT_THAT(without("     99%    5.80ms\n").message(), HasSubstr("no latency distribution"));
  EXPECT_THAT(without("Requests/sec:  12400.50\n").message(), HasSubstr("no Requests/sec line"));
  EXPECT_THAT(without("  24800 requests in 2.00s, 9.81MB read\n").message(), HasSubstr("requests in"));
  EXPECT_EQ(ParseWrkReport("").status().code(), absl::StatusCode::kInvalidArgument);
  std::string bad_unit = kReport;
  bad_unit.replace(bad_unit.find("250.00us"), 8, "250.00xs");
  EXPECT_THAT(ParseWrkReport(bad_unit).status().message(), HasSubstr("unreadable latency line: 50%  250.00xs"));
  std::string bad_rate = kReport;
  bad_rate.replace(bad_rate.find("12400.50"), 8, "many");
  EXPECT_EQ(ParseWrkReport(bad_rate).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WrkHeadersScript, QuotesEachHeaderAndRefusesControlCharacters) {
  auto script = WrkHeadersScript({{"Cookie", "himaya_session=a\"b\\c"}, {"X-Himaya-Reason", "bench"}});
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_THAT(*script, HasSubstr("wrk.headers[\"Cookie\"] = \"himaya_session=a\\\"b\\\\c\"\n"));
  EXPECT_THAT(*script, HasSubstr("wrk.headers[\"X-Himaya-Reason\"] = \"bench\"\n"));
  EXPECT_EQ(WrkHeadersScript({{"Cookie", "a\nb"}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WrkHeadersScript({{"Co\rokie", "a"}}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RunWrk, DrivesAServerWithTheHeadersGiven) {
  httplib::Server server;
  std::atomic<int> with_cookie{0};
  std::atomic<int> without{0};
  server.Get("/ping", [&](const httplib::Request& request, httplib::Response& response) {
    (request.get_header_value("Cookie") == "himaya_session=s3cr\"t" ? with_cookie : without)++;
    response.set_content("{}", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.listen_after_bind(); });
  testing::TempDir dir;
  auto figures = RunWrk({.url = absl::StrCat("http://127.0.0.1:", port, "/ping"),
                         .headers = {{"Cookie", "himaya_session=s3cr\"t"}},
                         .connections = 2,
                         .threads = 4,  // at most the connections
                         .duration = absl::Seconds(1),
                         .work_dir = dir.path()});
  server.stop();
  serving.join();
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_GT(figures->requests, 0);
  EXPECT_EQ(figures->failures, 0) << figures->first_failure;
  EXPECT_GT(figures->per_second, 0);
  EXPECT_GT(figures->p99_ms, 0);
  EXPECT_GE(figures->p99_ms, figures->p50_ms);
  EXPECT_GE(with_cookie.load(), figures->requests);
  EXPECT_EQ(without.load(), 0);
}

TEST(RunWrk, AnUnreachableServerIsAnErrorNotFigures) {
  testing::TempDir dir;
  // Port 1 on the loopback: nothing listens, every connection is refused.
  auto figures =
      RunWrk({.url = "http://127.0.0.1:1/", .connections = 1, .duration = absl::Seconds(1), .work_dir = dir.path()});
  ASSERT_FALSE(figures.ok());
  EXPECT_EQ(figures.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(figures.status().message(), HasSubstr("Connection refused"));
}

}  // namespace
}  // namespace himaya::cli
