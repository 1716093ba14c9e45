#include "stack/local_prometheus.h"

#include <httplib.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/json_file.h"
#include "core/ports.h"
#include "core/status_macros.h"
#include "nlohmann/json.hpp"
#include "stack/local_authority.h"
#include "stack/local_stack.h"
#include "stack_prometheus_rule_files.h"

namespace himaya::stack {
namespace {

std::string RulesDir(const std::string& dir) { return absl::StrCat(dir, "/rules"); }
std::string TargetsFile(const std::string& dir) { return absl::StrCat(dir, "/targets.json"); }

// Prometheus's durations: whole seconds, or milliseconds below one.
std::string PrometheusDuration(absl::Duration d) {
  if (d < absl::Seconds(1)) return absl::StrCat(absl::ToInt64Milliseconds(d), "ms");
  return absl::StrCat(absl::ToInt64Seconds(d), "s");
}

bool IsRuleFile(absl::string_view name) {
  if (absl::StrContains(name, "/")) return false;
  for (absl::string_view ext : {".yml", ".yaml"}) {
    if (absl::EndsWith(name, ext)) return !absl::EndsWith(name, absl::StrCat("_test", ext));
  }
  return false;
}

}  // namespace

std::vector<RuleFile> ProjectRuleFiles() {
  std::vector<RuleFile> files;
  for (const EmbeddedFile& f : stack_prometheus_rule_files()) {
    if (!IsRuleFile(f.path)) continue;
    files.push_back({f.path, std::string(reinterpret_cast<const char*>(f.data), f.size)});
  }
  std::sort(files.begin(), files.end(), [](const RuleFile& a, const RuleFile& b) { return a.name < b.name; });
  return files;
}

std::string PrometheusConfig(const std::string& dir, absl::Duration interval) {
  const std::string every = PrometheusDuration(interval);
  // A scrape must end before the next one starts.
  const std::string timeout = PrometheusDuration(std::max(interval / 2, absl::Milliseconds(100)));
  return absl::StrCat(
      "# Written by the local stack (himaya up --prometheus) at each start; edits are lost.\n"
      "global:\n"
      "  scrape_interval: ",
      every, "\n  scrape_timeout: ", timeout, "\n  evaluation_interval: ", every,
      "\n"
      "rule_files:\n"
      "  - ",
      RulesDir(dir),
      "/*.yml\n"
      "scrape_configs:\n"
      "  - job_name: himaya\n"
      "    file_sd_configs:\n"
      "      - files: ['",
      TargetsFile(dir), "']\n        refresh_interval: ", every, "\n");
}

nlohmann::json ScrapeTargets(const std::map<std::string, std::string>& metrics_by_job) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& [job, address] : metrics_by_job) {
    groups.push_back({{"targets", {address}}, {"labels", {{"job", job}}}});
  }
  return groups;
}

bool PrometheusReady(const std::string& address) {
  std::pair<std::string, std::string> host_port = absl::StrSplit(address, absl::MaxSplits(':', 1));
  int port = 0;
  if (!absl::SimpleAtoi(host_port.second, &port)) return false;
  httplib::Client client(host_port.first, port);
  client.set_connection_timeout(1);
  client.set_read_timeout(2);
  httplib::Result ready = client.Get("/-/ready");
  return ready && ready->status == 200;
}

absl::StatusOr<std::vector<PrometheusSample>> QueryPrometheus(const std::string& address, const std::string& promql) {
  std::pair<std::string, std::string> host_port = absl::StrSplit(address, absl::MaxSplits(':', 1));
  int port = 0;
  if (!absl::SimpleAtoi(host_port.second, &port)) {
    return absl::InvalidArgumentError(absl::StrCat("prometheus: not HOST:PORT: ", address));
  }
  httplib::Client client(host_port.first, port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Result got = client.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
  if (!got) return absl::UnavailableError(absl::StrCat("prometheus: nothing answers at ", address));
  const nlohmann::json answer = nlohmann::json::parse(got->body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || !answer.contains("status")) {
    return absl::UnavailableError(
        absl::StrCat("prometheus at ", address, " answered HTTP ", got->status, " without a query result"));
  }
  // Anything but Prometheus's answer at that address is an error, never a crash.
  std::vector<PrometheusSample> samples;
  try {
    if (answer.at("status") != "success") {
      return absl::InvalidArgumentError(absl::StrCat("prometheus refused the query: ", answer.value("error", "")));
    }
    const nlohmann::json& data = answer.at("data");
    if (data.value("resultType", "") != "vector" || !data.at("result").is_array()) {
      return absl::InvalidArgumentError("prometheus: the query's answer is not an instant vector");
    }
    for (const nlohmann::json& series : data.at("result")) {
      PrometheusSample sample;
      for (const auto& [label, value] : series.at("metric").items()) {
        if (value.is_string()) sample.labels[label] = value.get<std::string>();
      }
      const nlohmann::json& pair = series.at("value");
      if (!pair.is_array() || pair.size() != 2 || !pair[1].is_string() ||
          !absl::SimpleAtod(pair[1].get<std::string>(), &sample.value)) {
        return absl::InvalidArgumentError("prometheus: a sample without its value");
      }
      samples.push_back(std::move(sample));
    }
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError(absl::StrCat("prometheus at ", address, ": not a query result"));
  }
  return samples;
}

absl::StatusOr<std::unique_ptr<LocalPrometheus>> LocalPrometheus::Start(
    const std::string& dir, const std::map<std::string, std::string>& metrics_by_job, int port,
    const std::string& log) {
  if (!std::filesystem::exists(kPrometheusBinary)) {
    return absl::FailedPreconditionError(
        absl::StrCat(kPrometheusBinary, " is missing: install the Debian package 'prometheus'"));
  }
  std::error_code ec;
  std::filesystem::remove_all(RulesDir(dir), ec);
  std::filesystem::create_directories(RulesDir(dir), ec);
  if (ec) return absl::FailedPreconditionError(absl::StrCat("cannot create ", RulesDir(dir), ": ", ec.message()));
  for (const RuleFile& rules : ProjectRuleFiles()) {
    RETURN_IF_ERROR(WriteFileWithMode(absl::StrCat(RulesDir(dir), "/", rules.name), rules.text, 0644));
  }
  RETURN_IF_ERROR(
      WriteFileWithMode(absl::StrCat(dir, "/prometheus.yml"), PrometheusConfig(dir, kPrometheusInterval), 0644));
  std::unique_ptr<LocalPrometheus> p(new LocalPrometheus());
  p->dir_ = dir;
  RETURN_IF_ERROR(p->SetTargets(metrics_by_job));
  p->port_ = port != 0 ? port : core::FreePort();
  if (p->port_ == 0) return absl::UnavailableError("no free port for Prometheus");
  ASSIGN_OR_RETURN(core::Subprocess process,
                   core::Subprocess::Start(
                       {.argv = {kPrometheusBinary, absl::StrCat("--config.file=", dir, "/prometheus.yml"),
                                 absl::StrCat("--storage.tsdb.path=", dir, "/data"), "--storage.tsdb.retention.time=7d",
                                 absl::StrCat("--web.listen-address=", p->address())},
                        .stdout_path = log,
                        .stderr_path = log}));
  p->process_ = std::make_unique<core::Subprocess>(std::move(process));
  RETURN_IF_ERROR(
      WaitUntil([&] { return !p->Running() || PrometheusReady(p->address()); }, absl::Seconds(60), "Prometheus"));
  if (!p->Running()) return absl::InternalError(absl::StrCat("Prometheus exited at start; see ", log));
  return p;
}

LocalPrometheus::~LocalPrometheus() {
  if (process_ != nullptr) process_->Stop(absl::Seconds(10));
}

absl::Status LocalPrometheus::SetTargets(const std::map<std::string, std::string>& metrics_by_job) {
  return core::WriteJsonFile(TargetsFile(dir_), ScrapeTargets(metrics_by_job));
}

std::string LocalPrometheus::address() const { return absl::StrCat("127.0.0.1:", port_); }

int LocalPrometheus::ExitStatus() {
  if (process_ == nullptr) return -1;
  return process_->Wait(absl::ZeroDuration()).value_or(-1);
}

}  // namespace himaya::stack
