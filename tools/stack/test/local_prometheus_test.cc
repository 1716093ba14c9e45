// The local Prometheus server (himaya up --prometheus): its configuration and the project's rules
// as promtool checks them, and Debian's server started on them, scraping a /metrics this test
// serves, following a target that moves, with the project's alert rules loaded.
#include "stack/local_prometheus.h"

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/ports.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya::stack {
namespace {

using ::testing::HasSubstr;

TEST(LocalPrometheus, TheRuleFilesAreDeployPrometheusWithoutTheirTests) {
  std::vector<RuleFile> files = ProjectRuleFiles();
  std::vector<std::string> names;
  for (const RuleFile& f : files) names.push_back(f.name);
  EXPECT_THAT(names, ::testing::Contains("events-alerts.yml"));
  for (const RuleFile& f : files) {
    EXPECT_THAT(f.name, ::testing::Not(HasSubstr("_test."))) << "a promtool test is no rule file";
    EXPECT_THAT(f.text, HasSubstr("groups:")) << f.name;
  }
}

TEST(LocalPrometheus, TargetsAreOneGroupPerComponentLabelledWithItsName) {
  nlohmann::json targets = ScrapeTargets({{"claims", "127.0.0.1:4001"}, {"registration", "127.0.0.1:4002"}});
  EXPECT_EQ(targets, nlohmann::json::parse(R"([
    {"targets": ["127.0.0.1:4001"], "labels": {"job": "claims"}},
    {"targets": ["127.0.0.1:4002"], "labels": {"job": "registration"}}])"));
  EXPECT_EQ(ScrapeTargets({}), nlohmann::json::array());
}

TEST(LocalPrometheus, TheConfigurationAndTheRulesPassPromtool) {
  testing::TempDir dir;
  const std::string config = PrometheusConfig(dir.path(), absl::Seconds(2));
  EXPECT_THAT(config, HasSubstr("scrape_interval: 2s"));
  EXPECT_THAT(config, HasSubstr("evaluation_interval: 2s"));
  EXPECT_THAT(config, HasSubstr("scrape_timeout: 1s"));
  EXPECT_THAT(PrometheusConfig(dir.path(), absl::Milliseconds(500)), HasSubstr("scrape_timeout: 250ms"));
  std::filesystem::create_directories(dir.path() + "/rules");
  for (const RuleFile& f : ProjectRuleFiles()) std::ofstream(dir.path() + "/rules/" + f.name) << f.text;
  std::ofstream(dir.path() + "/prometheus.yml") << config;
  std::ofstream(dir.path() + "/targets.json") << ScrapeTargets({{"claims", "127.0.0.1:4001"}}).dump();
  testing::CommandRun check =
      testing::RunCommand({.argv = {"/usr/bin/promtool", "check", "config", dir.path() + "/prometheus.yml"}},
                          dir.path() + "/promtool", absl::Seconds(60));
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_THAT(check.out + check.err, HasSubstr("events-alerts.yml"));
  EXPECT_THAT(check.out + check.err, HasSubstr("SUCCESS"));
}

// A /metrics endpoint serving one gauge.
// An HTTP server on a free port of 127.0.0.1 answering GET `path` with `body` of `content_type`.
class FakeHttp {
 public:
  FakeHttp(const std::string& path, std::string body, std::string content_type)
      : body_(std::move(body)), content_type_(std::move(content_type)) {
    server_.Get(path,
                [this](const httplib::Request&, httplib::Response& res) { res.set_content(body_, content_type_); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    // Bound and listening already: a connection waits in the backlog until the loop accepts it.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeHttp() {
    server_.stop();
    thread_.join();
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  const std::string body_;
  const std::string content_type_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// A service's /metrics serving one gauge of `value`.
class FakeMetrics : public FakeHttp {
 public:
  explicit FakeMetrics(int value)
      : FakeHttp("/metrics", absl::StrCat("# TYPE himaya_test_value gauge\nhimaya_test_value ", value, "\n"),
                 "text/plain; version=0.0.4") {}
};

// The value of `query`'s first sample, or nullopt when it has none yet.
std::optional<std::string> QueryValue(const std::string& address, const std::string& query) {
  httplib::Client client("127.0.0.1", std::stoi(address.substr(address.rfind(':') + 1)));
  httplib::Result got = client.Get("/api/v1/query", httplib::Params{{"query", query}}, httplib::Headers{});
  if (!got || got->status != 200) return std::nullopt;
  nlohmann::json answer = nlohmann::json::parse(got->body, nullptr, false);
  if (answer.is_discarded() || answer["data"]["result"].empty()) return std::nullopt;
  return answer["data"]["result"][0]["value"][1].get<std::string>();
}

TEST(LocalPrometheus, ItScrapesTheTargetsWithTheirJobAndFollowsOneThatMoves) {
  testing::TempDir dir;
  FakeMetrics first(7), second(8);
  auto prometheus = LocalPrometheus::Start(dir.path() + "/prometheus", {{"claims", first.address()}}, 0,
                                           dir.path() + "/prometheus.log");
  ASSERT_TRUE(prometheus.ok()) << prometheus.status();
  const std::string address = (*prometheus)->address();
  EXPECT_TRUE(PrometheusReady(address));
  ASSERT_TRUE(WaitUntil([&] { return QueryValue(address, R"(himaya_test_value{job="claims"})") == "7"; },
                        absl::Seconds(60), "the first target's value")
                  .ok());
  ASSERT_TRUE((*prometheus)->SetTargets({{"claims", second.address()}}).ok());
  EXPECT_TRUE(WaitUntil([&] { return QueryValue(address, R"(himaya_test_value{job="claims"})") == "8"; },
                        absl::Seconds(60), "the moved target's value")
                  .ok());
  // The project's rules are loaded.
  httplib::Client client("127.0.0.1", (*prometheus)->port());
  httplib::Result rules = client.Get("/api/v1/rules");
  ASSERT_TRUE(rules);
  EXPECT_THAT(rules->body, HasSubstr("HimayaOutboxNotPublishing"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/prometheus/data")) << "its TSDB is under the directory";
  const pid_t pid = (*prometheus)->pid();
  prometheus->reset();
  EXPECT_NE(kill(pid, 0), 0) << "the server stops with the object";
}

TEST(LocalPrometheus, AServerThatCannotListenFailsAtStartNamingItsLog) {
  testing::TempDir dir;
  // A port held by a listening socket of this test.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto prometheus =
      LocalPrometheus::Start(dir.path() + "/prometheus", {}, ntohs(addr.sin_port), dir.path() + "/prometheus.log");
  close(fd);
  ASSERT_FALSE(prometheus.ok());
  EXPECT_EQ(prometheus.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(prometheus.status().message(), HasSubstr(dir.path() + "/prometheus.log"));
}

}  // namespace
}  // namespace himaya::stack

namespace himaya::stack {
namespace {

// A server that answers /api/v1/query with `body`, whatever the query.
class FakeQueryServer : public FakeHttp {
 public:
  explicit FakeQueryServer(std::string body) : FakeHttp("/api/v1/query", std::move(body), "application/json") {}
};

TEST(QueryPrometheus, ReadsAnInstantVectorsLabelsAndValues) {
  FakeQueryServer server(R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"program":"amo-tns"},"value":[1700000000.1,"1641557"]},
      {"metric":{},"value":[1700000000.1,"NaN"]}]}})");
  absl::StatusOr<std::vector<PrometheusSample>> samples = QueryPrometheus(server.address(), "q");
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(samples->size(), 2u);
  EXPECT_EQ((*samples)[0].labels.at("program"), "amo-tns");
  EXPECT_EQ((*samples)[0].value, 1641557);
}

TEST(QueryPrometheus, AnythingButAQueryResultIsAClearErrorNotACrash) {
  for (const char* body :
       {R"({"status":"error","error":"parse error at char 3"})", R"({"status":"success"})",
        R"({"status":"success","data":{"resultType":"vector","result":5}})",
        R"({"status":"success","data":{"resultType":"vector","result":[7]}})",
        R"({"status":"success","data":{"resultType":"matrix","result":[]}})",
        R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})",
        R"({"status":7})", "<html>not prometheus</html>"}) {
    FakeQueryServer server(body);
    absl::StatusOr<std::vector<PrometheusSample>> samples = QueryPrometheus(server.address(), "q");
    EXPECT_FALSE(samples.ok()) << body;
  }
  FakeQueryServer refused(R"({"status":"error","error":"parse error at char 3"})");
  EXPECT_THAT(std::string(QueryPrometheus(refused.address(), "q").status().message()),
              ::testing::HasSubstr("parse error at char 3"));
  EXPECT_EQ(QueryPrometheus("127.0.0.1:1", "q").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(QueryPrometheus("no-port", "q").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace himaya::stack
