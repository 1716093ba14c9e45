// Debian's Prometheus server beside a local stack (`himaya up --prometheus`): it scrapes every
// component of the stack and evaluates the project's rules (deploy/prometheus, embedded in this
// library at build time, so the rules are those of the build), all under one directory:
//   DIR/prometheus.yml   the configuration (a short scrape and evaluation interval, for a laptop)
//   DIR/rules/*.yml      the rule files of deploy/prometheus, but their promtool tests (*_test.yml)
//   DIR/targets.json     the components' /metrics addresses (file_sd), job = the component's name;
//                        rewritten when a component moves, Prometheus reads it again by itself
//   DIR/data/            the TSDB
// It listens on 127.0.0.1 only.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/process.h"
#include "nlohmann/json.hpp"

namespace himaya::stack {

// Where Debian's package puts the server.
inline constexpr char kPrometheusBinary[] = "/usr/bin/prometheus";

// How often the local server scrapes and evaluates its rules.
inline constexpr absl::Duration kPrometheusInterval = absl::Seconds(2);

// A rule file the server loads: its name (events-alerts.yml) and text.
struct RuleFile {
  std::string name;
  std::string text;
};

// The rule files of deploy/prometheus as built into this program: every *.yml or *.yaml but the
// promtool tests (*_test.yml), sorted by name.
std::vector<RuleFile> ProjectRuleFiles();

// The configuration of a server whose files are under `dir`: scrape and evaluation every
// `interval`, the rules of DIR/rules/, the targets of DIR/targets.json.
std::string PrometheusConfig(const std::string& dir, absl::Duration interval);

// The file_sd document of `metrics_by_job` (component name -> HOST:PORT of its /metrics): one
// target group per component, labelled job=<component>.
nlohmann::json ScrapeTargets(const std::map<std::string, std::string>& metrics_by_job);

class LocalPrometheus {
 public:
  // Writes the configuration, the rules and the targets under `dir` (rules left there by an
  // earlier build are removed), starts the server on 127.0.0.1:`port` (0: a free port), its
  // output to `log`, and waits until it answers /-/ready. FAILED_PRECONDITION naming the
  // package when the binary is missing; INTERNAL naming the log when it exits at start (a rule
  // file it refuses, a port taken).
  static absl::StatusOr<std::unique_ptr<LocalPrometheus>> Start(
      const std::string& dir, const std::map<std::string, std::string>& metrics_by_job, int port,
      const std::string& log);
  // Stops the server.
  ~LocalPrometheus();

  // Replaces the scraped targets (DIR/targets.json, written atomically).
  absl::Status SetTargets(const std::map<std::string, std::string>& metrics_by_job);
  // "127.0.0.1:PORT".
  std::string address() const;
  int port() const { return port_; }
  pid_t pid() const { return process_ != nullptr ? process_->pid() : 0; }
  bool Running() { return process_ != nullptr && process_->Running(); }
  // The wait status of a server that exited (as waitpid), -1 if unknown.
  int ExitStatus();

 private:
  LocalPrometheus() = default;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<core::Subprocess> process_;
};

// Whether a Prometheus server answers /-/ready at HOST:PORT.
bool PrometheusReady(const std::string& address);

// One series of an instant query's answer.
struct PrometheusSample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Evaluates `promql` now on the Prometheus server at HOST:PORT (/api/v1/query). UNAVAILABLE when
// nothing answers there, INVALID_ARGUMENT with Prometheus's own error for a query it refuses.
absl::StatusOr<std::vector<PrometheusSample>> QueryPrometheus(const std::string& address, const std::string& promql);

}  // namespace himaya::stack
