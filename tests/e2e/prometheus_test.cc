// prometheus_e2e_test: the local stack with its Prometheus server (himaya up --prometheus), after
// a small workload through the real services (a liaison batch registering persons, their portal
// accounts activated, a child declared and two claims filed through the gateway, one rejected):
// - the figures show in Prometheus's HTTP API as the workload made them, raw and through the
//   press table's recording rules;
// - every metric and label that deploy/prometheus's rules and deploy/grafana's dashboards read
//   is exported by the stack (the failure lists each one missing with the file using it);
// - an alert provoked on purpose fires: notification stopped while persons are registered,
//   HimayaServiceDown for job notification (its `for: 1m` makes this take a little over a minute).
// One stack for the whole binary (WHOLE), started with the workload by a test environment; the
// cases run in this order.
#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "claims_e2e.h"
#include "gateway_e2e.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metric_references.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya::e2e {
namespace {

using ::testing::HasSubstr;

// What the workload made.
constexpr int kRegistered = 3;
constexpr int kChildren = 1;
// One claim accepted (to be paid), one rejected (an act the tariff does not know: settled at once).
constexpr int kClaims = 2;

struct PrometheusStack {
  testing::TempDir dir;
  std::unique_ptr<stack::LocalStack> stack;
  std::vector<PortalInsured> insured;
};
PrometheusStack* shared = nullptr;

class PrometheusEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    shared = new PrometheusStack();
    stack::StackOptions options;
    options.data_dir = shared->dir.path() + "/stack";
    options.prometheus = true;
    // Figures counted every 2 s rather than every minute.
    for (const std::string& service : stack::Services()) options.extra_flags[service] = {"--figures_interval=2s"};
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    shared->stack = std::move(*started);
    stack::LocalStack& s = *shared->stack;

    auto claims = cl::ClaimsService::NewStub(rpc::NewChannel(s.endpoint("claims").grpc));
    ASSERT_TRUE(ImportTestTariff(*claims).ok());
    std::filesystem::create_directories(shared->dir.path() + "/workload");
    auto insured = ActivatedInsured(s, shared->dir.path() + "/workload", kRegistered, 1304, "fr");
    ASSERT_TRUE(insured.ok()) << insured.status();
    shared->insured = *insured;

    GatewayClient portal(GatewayAddress(s));
    const std::string number = shared->insured[0].registration_number;
    ASSERT_TRUE(stack::Expecting(201, "POST /v1/sessions", LogIn(portal, number, kTestPassword)).ok());
    auto declared = stack::Expecting(201, "POST /v1/me/family",
                                     portal.Post("/v1/me/family", {{"relationship", "RELATIONSHIP_CHILD"},
                                                                   {"first_name", "Salma"},
                                                                   {"last_name", "Test"},
                                                                   {"birth_date", "2018-05-14"},
                                                                   {"sex", "F"}}));
    ASSERT_TRUE(declared.ok()) << declared.status();
    auto filed =
        stack::Expecting(201, "POST /v1/me/claims", portal.Post("/v1/me/claims", PortalClaim(number, "C", 1, 10000)));
    ASSERT_TRUE(filed.ok()) << filed.status();
    auto rejected =
        stack::Expecting(201, "POST /v1/me/claims", portal.Post("/v1/me/claims", PortalClaim(number, "ZZ", 1, 10000)));
    ASSERT_TRUE(rejected.ok()) << rejected.status();
  }
  void TearDown() override {
    delete shared;
    shared = nullptr;
  }
};

const ::testing::Environment* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PrometheusEnvironment);

// Prometheus's HTTP API: GET `path` with `params`, the answer's "data" (a discarded value on
// any failure, with the reason in `error`).
nlohmann::json Api(const std::string& path, const httplib::Params& params, std::string* error = nullptr) {
  const std::string url = shared->stack->prometheus_url();
  httplib::Client client(url);
  client.set_read_timeout(10);
  httplib::Result got = client.Get(path, params, httplib::Headers{});
  if (!got || got->status != 200) {
    if (error != nullptr) *error = got ? absl::StrCat("HTTP ", got->status, " ", got->body) : "no answer";
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  nlohmann::json answer = nlohmann::json::parse(got->body, nullptr, false);
  if (answer.is_discarded() || answer.value("status", "") != "success") {
    if (error != nullptr) *error = got->body;
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return answer["data"];
}

// The value of an instant query returning one sample (nullopt when it returns none).
std::optional<double> Value(const std::string& query) {
  nlohmann::json data = Api("/api/v1/query", {{"query", query}});
  if (data.is_discarded() || !data["result"].is_array() || data["result"].size() != 1) return std::nullopt;
  double value = 0;
  if (!absl::SimpleAtod(data["result"][0]["value"][1].get<std::string>(), &value)) return std::nullopt;
  return value;
}

// Waits until `query` answers `expected`; the failure names the last value seen.
void ExpectFigure(const std::string& query, double expected) {
  std::optional<double> seen;
  absl::Status shown = stack::WaitUntil(
      [&] {
        seen = Value(query);
        return seen == expected;
      },
      absl::Seconds(90), query);
  EXPECT_TRUE(shown.ok()) << query << " should be " << expected << ", last seen "
                          << (seen ? absl::StrCat(*seen) : "no sample");
}

TEST(PrometheusTest, TheWorkloadsFiguresShowInPrometheus) {
  // Every component is scraped under its own job.
  for (const std::string& service : stack::Services()) ExpectFigure(absl::StrCat("up{job=\"", service, "\"}"), 1);
  // Figure gauges are the same on every replica: collapse replicas with max, then sum the labels.
  ExpectFigure("sum(max without (instance) (himaya_beneficiary_insured))", kRegistered);
  ExpectFigure("sum(max without (instance) (himaya_beneficiary_children))", kChildren);
  ExpectFigure("sum(max without (instance) (himaya_beneficiary_beneficiaries))", kRegistered + kChildren);
  ExpectFigure("sum(max without (instance) (himaya_registration_persons))", kRegistered);
  ExpectFigure("sum(max without (instance) (himaya_registration_accounts_activated))", kRegistered);
  ExpectFigure("sum(max without (instance) (himaya_claims_files))", kClaims);
  ExpectFigure(R"(sum(himaya_registration_batch_rows_total{outcome="REGISTERED"}))", kRegistered);
  ExpectFigure(R"(sum(himaya_claims_received_total{channel="PORTAL"}))", kClaims);
  // The rejected one is settled at once, by its insured's category and region.
  ExpectFigure("sum(program:himaya_claims_settled_files:max)", 1);
  // The press table's recording rules (deploy/prometheus/figures-rules.yml).
  ExpectFigure("sum(program_category_region:himaya_registration_persons:max)", kRegistered);
  ExpectFigure("sum(program_category_region:himaya_registration_accounts_activated:max)", kRegistered);
  ExpectFigure("sum(program_category_region:himaya_beneficiary_insured:max)", kRegistered);
  ExpectFigure("sum(program_category_region:himaya_beneficiary_children:max)", kChildren);
  ExpectFigure("sum(program:himaya_claims_files_received:max)", kClaims);
}

bool PrometheusOwn(const std::string& metric) {
  return metric == "up" || metric == "ALERTS" || metric == "ALERTS_FOR_STATE" || absl::StartsWith(metric, "scrape_");
}

// The cross-check: each metric and label an expression reads, against what the stack exports.
class ExportedByTheStack {
 public:
  ExportedByTheStack() {
    for (const auto& name : Api("/api/v1/label/__name__/values", {})) names_.insert(name.get<std::string>());
    for (const auto& label : Api("/api/v1/labels", {})) all_labels_.insert(label.get<std::string>());
    const nlohmann::json rules = Api("/api/v1/rules", {});
    for (const auto& group : rules["groups"]) {
      for (const auto& rule : group["rules"]) {
        if (rule.value("type", "") == "recording") recorded_.insert(rule.value("name", ""));
      }
    }
  }

  // Adds a line to `missing` for each metric or label of `refs` (read in `file`, by
  // `expression`) the stack does not export, to `unchecked` for labels of series that do not
  // exist yet (a recording rule with no sample).
  void Check(const std::string& file, const std::string& expression, const MetricReferences& refs,
             std::vector<std::string>& missing, std::vector<std::string>& unchecked) {
    const std::string where = absl::StrCat(file, " (", expression, ")");
    std::set<std::string> expression_labels;
    bool some_series = false;
    for (const std::string& metric : refs.metrics) {
      const bool recorded = absl::StrContains(metric, ':');
      if (recorded && recorded_.count(metric) == 0) {
        missing.push_back(absl::StrCat("recording rule ", metric, " is not defined: ", where));
      } else if (!recorded && !PrometheusOwn(metric) && names_.count(metric) == 0) {
        missing.push_back(absl::StrCat("metric ", metric, " is not exported: ", where));
        continue;
      }
      const std::set<std::string>& labels = LabelsOf(metric);
      if (!labels.empty()) some_series = true;
      expression_labels.insert(labels.begin(), labels.end());
      auto selected = refs.selector_labels.find(metric);
      if (selected == refs.selector_labels.end()) continue;
      for (const std::string& label : selected->second) {
        if (labels.empty()) {
          unchecked.push_back(absl::StrCat("label ", label, " of ", metric, " (no series yet): ", where));
        } else if (labels.count(label) == 0) {
          missing.push_back(absl::StrCat("label ", label, " of ", metric, " is not exported: ", where));
        }
      }
    }
    std::set<std::string> anywhere = refs.grouping_labels;
    if (auto unnamed = refs.selector_labels.find(""); unnamed != refs.selector_labels.end()) {
      anywhere.insert(unnamed->second.begin(), unnamed->second.end());
    }
    for (const std::string& label : anywhere) {
      // A label grouped by must be carried by one of the expression's metrics; without any,
      // by some series of the stack.
      const std::set<std::string>& carriers = refs.metrics.empty() ? all_labels_ : expression_labels;
      if (!refs.metrics.empty() && !some_series) {
        unchecked.push_back(absl::StrCat("label ", label, " (no series yet): ", where));
      } else if (carriers.count(label) == 0) {
        missing.push_back(absl::StrCat("label ", label, " is carried by none of its metrics: ", where));
      }
    }
  }

 private:
  const std::set<std::string>& LabelsOf(const std::string& metric) {
    auto [it, fresh] = labels_.try_emplace(metric);
    if (fresh) {
      for (const auto& series : Api("/api/v1/series", {{"match[]", metric}})) {
        for (const auto& [label, value] : series.items()) it->second.insert(label);
      }
      it->second.erase("__name__");
    }
    return it->second;
  }

  std::set<std::string> names_;
  std::set<std::string> all_labels_;
  std::set<std::string> recorded_;
  std::map<std::string, std::set<std::string>> labels_;
};

// `himaya figures` against the stack's Prometheus, to its end.
testing::CommandRun Figures(const std::vector<std::string>& flags) {
  static int runs = 0;
  core::ProcessOptions options;
  options.argv = {stack::DefaultBinDir() + "/himaya", "figures"};
  options.argv.insert(options.argv.end(), flags.begin(), flags.end());
  return testing::RunCommand(options, absl::StrCat(shared->dir.path(), "/figures-", ++runs), absl::Seconds(60));
}

TEST(PrometheusTest, HimayaFiguresPrintsThePressTableFromPrometheus) {
  ExpectFigure("sum(program_category_region:himaya_beneficiary_children:max)", kChildren);
  ExpectFigure("sum(program:himaya_claims_settled_files:max)", 1);
  const std::string address = "--prometheus_address=" + shared->stack->prometheus_url().substr(7);
  testing::CommandRun json = Figures({address, "--output=json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const nlohmann::json rows = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << json.out;
  std::map<std::string, nlohmann::json> by_key;
  for (const nlohmann::json& row : rows) by_key[row.value("figure", "")] = row;
  EXPECT_EQ(by_key["persons_registered"].value("total", -1.0), kRegistered) << json.out;
  EXPECT_EQ(by_key["portal_accounts"].value("total", -1.0), kRegistered);
  EXPECT_EQ(by_key["children"].value("total", -1.0), kChildren);
  EXPECT_EQ(by_key["beneficiaries"].value("total", -1.0), kRegistered + kChildren);
  EXPECT_EQ(by_key["claim_files_received"].value("total", -1.0), kClaims);
  EXPECT_EQ(by_key["persons_registered"]["values"].size(), 1u) << "one program: " << json.out;

  testing::CommandRun table = Figures({address});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("persons registered"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("TOTAL"), std::string::npos) << table.out;

  // By region: the SMS are counted by program only.
  testing::CommandRun regions = Figures({address, "--by=region", "--output=json"});
  ASSERT_EQ(regions.code, 0) << regions.err;
  const nlohmann::json by_region = nlohmann::json::parse(regions.out, nullptr, false);
  ASSERT_TRUE(by_region.is_array()) << regions.out;
  for (const nlohmann::json& row : by_region) {
    if (row.value("figure", "") == "sms_sent") {
      EXPECT_FALSE(row.contains("values")) << row.dump();
    }
    if (row.value("figure", "") == "persons_registered") {
      EXPECT_EQ(row.value("total", -1.0), kRegistered);
    }
  }

  // Bad input: one line and a non-zero exit.
  testing::CommandRun bad_by = Figures({address, "--by=planet"});
  EXPECT_NE(bad_by.code, 0);
  EXPECT_NE(bad_by.err.find("--by is program, category or region"), std::string::npos) << bad_by.err;
  testing::CommandRun nobody = Figures({"--prometheus_address=127.0.0.1:1"});
  EXPECT_NE(nobody.code, 0);
  EXPECT_NE(nobody.err.find("nothing answers at 127.0.0.1:1"), std::string::npos) << nobody.err;
  testing::CommandRun no_stack = Figures({"--data_dir=" + shared->dir.path() + "/nowhere"});
  EXPECT_NE(no_stack.code, 0);
  EXPECT_NE(no_stack.err.find("no local stack with Prometheus"), std::string::npos) << no_stack.err;
}

TEST(PrometheusTest, EveryMetricAndLabelOfTheRulesAndDashboardsIsExportedByTheStack) {
  // The figures and a rule evaluation first: the series exist.
  ExpectFigure("sum(max without (instance) (himaya_beneficiary_children))", kChildren);
  nlohmann::json groups = Api("/api/v1/rules", {})["groups"];
  ASSERT_TRUE(groups.is_array());
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    groups = Api("/api/v1/rules", {})["groups"];
                    for (const auto& group : groups) {
                      if (group.value("lastEvaluation", "").rfind("0001-", 0) == 0) return false;
                    }
                    return true;
                  },
                  absl::Seconds(30), "every rule group evaluated once")
                  .ok());
  // What each file reads, by expression.
  struct Use {
    std::string file;
    std::string expression;
    MetricReferences references;
  };
  std::vector<Use> uses;
  std::set<std::string> files;
  for (const auto& group : groups) {
    const std::string file =
        absl::StrCat("deploy/prometheus/", std::filesystem::path(group.value("file", "")).filename().string());
    files.insert(file);
    for (const auto& rule : group["rules"]) {
      const std::string query = rule.value("query", "");
      absl::StatusOr<MetricReferences> refs = ReferencesOf(query);
      ASSERT_TRUE(refs.ok()) << file << ": " << refs.status();
      uses.push_back({file, query, *refs});
    }
  }
  const std::filesystem::path grafana = std::filesystem::path(HIMAYA_SOURCE_DIR) / "deploy" / "grafana";
  if (std::filesystem::exists(grafana)) {
    for (const auto& entry : std::filesystem::directory_iterator(grafana)) {
      if (entry.path().extension() != ".json") continue;
      const std::string file = absl::StrCat("deploy/grafana/", entry.path().filename().string());
      files.insert(file);
      std::ifstream in(entry.path());
      nlohmann::json dashboard = nlohmann::json::parse(in, nullptr, false);
      ASSERT_FALSE(dashboard.is_discarded()) << file << " is not JSON";
      absl::StatusOr<std::vector<DashboardExpression>> read = ExpressionsOfDashboard(dashboard);
      ASSERT_TRUE(read.ok()) << file << ": " << read.status();
      for (const DashboardExpression& e : *read) uses.push_back({file, e.expression, e.references});
    }
  }
  std::printf("cross-check: %zu expressions of %zu files (%s)\n", uses.size(), files.size(),
              absl::StrJoin(files, ", ").c_str());
  EXPECT_GT(uses.size(), 0u);
  // A series the workload made shows at the next scrape of its process: checked again until
  // nothing is missing or the deadline passes.
  std::vector<std::string> missing, unchecked;
  (void)stack::WaitUntil(
      [&] {
        ExportedByTheStack exported;
        missing.clear();
        unchecked.clear();
        for (const Use& use : uses) exported.Check(use.file, use.expression, use.references, missing, unchecked);
        return missing.empty();
      },
      absl::Seconds(30), "every metric and label exported");
  for (const std::string& line : unchecked) std::printf("not checked: %s\n", line.c_str());
  EXPECT_TRUE(missing.empty()) << missing.size() << " metric(s) or label(s) used but not exported:\n"
                               << absl::StrJoin(missing, "\n");
}

TEST(PrometheusTest, NotificationStoppedWhileEventsArriveFiresHimayaServiceDown) {
  stack::LocalStack& s = *shared->stack;
  ASSERT_NE(s.StopService("notification", SIGTERM), -1);
  // Events notification would consume keep arriving: more persons registered.
  std::filesystem::create_directories(shared->dir.path() + "/more");
  auto more = RegisterInsured(s, shared->dir.path() + "/more", 2, 2207, "ar");
  ASSERT_TRUE(more.ok()) << more.status();
  ExpectFigure("sum(program_category_region:himaya_registration_persons:max)", kRegistered + 2);
  ExpectFigure(R"(up{job="notification"})", 0);
  const std::string firing = R"(ALERTS{alertname="HimayaServiceDown",alertstate="firing",job="notification"})";
  std::optional<double> seen;
  absl::Status fired = stack::WaitUntil(
      [&] {
        seen = Value(firing);
        return seen == 1;
      },
      absl::Seconds(180), "HimayaServiceDown to fire");
  EXPECT_TRUE(fired.ok()) << fired << "; pending: "
                          << Api("/api/v1/query", {{"query", R"(ALERTS{alertname="HimayaServiceDown"})"}}).dump();
  // The others are not down.
  EXPECT_EQ(Value(R"(count(ALERTS{alertname="HimayaServiceDown",alertstate="firing"}))"), 1);
  // Alerts at /api/v1/alerts too, as the laptop's operator reads them.
  nlohmann::json alerts = Api("/api/v1/alerts", {});
  EXPECT_THAT(alerts.dump(), HasSubstr("HimayaServiceDown"));
}

}  // namespace
}  // namespace himaya::e2e
