// himaya up / status: the local stack in the foreground, and the health of a running one.
#include "stack_commands.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "core/signals.h"
#include "failure.h"
#include "output.h"
#include "rpc/client.h"
#include "stack/local_prometheus.h"

ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_FLAG(std::string, registration_database, "",
          "up/demo: database URL of registration (default: SQLite in the data directory)");
ABSL_FLAG(std::string, notification_database, "",
          "up/demo: database URL of notification (default: SQLite in the data directory)");
ABSL_FLAG(std::string, programs, "all", "up/demo: programs the stack serves");
ABSL_FLAG(bool, prometheus, false,
          "up/demo: also start Debian's Prometheus server, scraping every service with the project's rules "
          "(deploy/prometheus), on a free port of 127.0.0.1");

namespace himaya::cli {
namespace {

bool BrokerReachable(const std::string& bootstrap) {
  std::vector<std::string> first = absl::StrSplit(bootstrap, ',');
  std::pair<std::string, std::string> hp = absl::StrSplit(first[0], absl::MaxSplits(':', 1));
  int port = 0;
  if (!absl::SimpleAtoi(hp.second, &port)) return false;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = inet_pton(AF_INET, hp.first.c_str(), &addr.sin_addr) == 1 &&
            connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// One line of `himaya status`.
struct ComponentStatus {
  std::string name;
  bool serving = false;
  // Where it serves, or why it does not.
  std::string detail;
  // Its addresses, for JSON: {"grpc", "metrics", "http", "kafka"} as it has them.
  nlohmann::json addresses;
  // -1 when the stack file does not say.
  int restarts = -1;
};

// A line per component ("registration  SERVING   gRPC ..., restarts 1"), or a JSON array.
void PrintComponents(OutputFormat format, const std::vector<ComponentStatus>& components) {
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const ComponentStatus& c : components) {
      nlohmann::json row = {{"component", c.name}, {"state", c.serving ? "SERVING" : "DOWN"}};
      row.update(c.addresses);
      if (!c.serving) row["reason"] = c.detail;
      if (c.restarts >= 0) row["restarts"] = c.restarts;
      rows.push_back(row);
    }
    std::printf("%s\n", rows.dump(2).c_str());
    return;
  }
  for (const ComponentStatus& c : components) {
    // A broker's restarts show once there are some; a service's always once the stack counts them.
    const bool show_restarts = c.restarts > 0 || (c.restarts == 0 && c.name != "broker" && c.name != "prometheus");
    std::printf("%-13s %-9s %s%s\n", c.name.c_str(), c.serving ? "SERVING" : "DOWN", c.detail.c_str(),
                show_restarts ? absl::StrCat(", restarts ", c.restarts).c_str() : "");
  }
}

}  // namespace

stack::StackOptions StackOptionsFromFlags(const std::string& data_dir) {
  stack::StackOptions options;
  options.data_dir = data_dir;
  options.programs = absl::GetFlag(FLAGS_programs);
  options.prometheus = absl::GetFlag(FLAGS_prometheus);
  if (!absl::GetFlag(FLAGS_registration_database).empty()) {
    options.databases["registration"] = absl::GetFlag(FLAGS_registration_database);
  }
  if (!absl::GetFlag(FLAGS_notification_database).empty()) {
    options.databases["notification"] = absl::GetFlag(FLAGS_notification_database);
  }
  return options;
}

void PrintStack(const stack::LocalStack& s) {
  std::printf("  broker        Kafka on %s (embedded, memory only)\n", s.bootstrap_servers().c_str());
  for (const std::string& service : stack::Services()) {
    stack::Endpoint e = s.endpoint(service);
    std::printf("  %-13s gRPC %s, metrics http://%s/metrics\n", service.c_str(), e.grpc.c_str(), e.metrics.c_str());
  }
  const std::string http = s.endpoint("gateway").http;
  if (!http.empty()) {
    std::printf("  portal        http://localhost:%s/ (the gateway: the portal and the HTTP API)\n",
                http.substr(http.rfind(':') + 1).c_str());
  }
  if (!s.prometheus_url().empty()) {
    std::printf("  prometheus    %s/ (scraping every service, with the rules of deploy/prometheus)\n",
                s.prometheus_url().c_str());
  }
  std::printf("  sms           %s/sms.jsonl (the SMS the local stack sends)\n", s.data_dir().c_str());
  std::printf("  logs          %s/logs/\n", s.data_dir().c_str());
}

int Up(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("up takes no arguments");
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::printf("Starting the local stack in %s ...\n", data_dir.c_str());
  std::fflush(stdout);
  auto s = stack::LocalStack::Start(StackOptionsFromFlags(data_dir));
  if (!s.ok()) return Fail(s.status());
  std::printf("The stack is up:\n");
  PrintStack(**s);
  std::printf("Ctrl-C stops it.\n");
  std::fflush(stdout);
  // A crashed service is restarted with back-off; a crashed broker too, and every service after it.
  while (core::WaitForTerminationSignal(absl::Milliseconds(250)) == 0) {
    for (const std::string& line : (*s)->Supervise()) {
      std::printf("%s %s\n", absl::FormatTime("%H:%M:%S", absl::Now(), absl::LocalTimeZone()).c_str(), line.c_str());
      std::fflush(stdout);
    }
  }
  std::printf("Stopping ...\n");
  (*s)->Stop();
  std::printf("Stopped.\n");
  return 0;
}

int Status(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("status takes no arguments");
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(format.status());
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const std::map<std::string, int> restarts = stack::ReadRestarts(data_dir).value_or(std::map<std::string, int>{});
  std::vector<ComponentStatus> components;
  auto add = [&](const std::string& name, bool serving, std::string detail, nlohmann::json addresses) {
    auto restarted = restarts.find(name);
    components.push_back(
        {name, serving, std::move(detail), std::move(addresses), restarted == restarts.end() ? -1 : restarted->second});
  };
  absl::StatusOr<std::string> bootstrap = stack::ReadBootstrap(data_dir);
  if (bootstrap.ok() && BrokerReachable(*bootstrap)) {
    add("broker", true, absl::StrCat("Kafka on ", *bootstrap), {{"kafka", *bootstrap}});
  } else {
    add("broker", false, bootstrap.ok() ? "not answering" : "not running (no run file)", nlohmann::json::object());
  }
  for (const std::string& service : stack::Services()) {
    absl::StatusOr<stack::Endpoint> e = stack::ReadEndpoint(data_dir, service);
    if (!e.ok()) {
      add(service, false, "not running (no run file)", nlohmann::json::object());
      continue;
    }
    nlohmann::json addresses = {{"grpc", e->grpc}, {"metrics", absl::StrCat("http://", e->metrics, "/metrics")}};
    if (!e->http.empty()) addresses["http"] = absl::StrCat("http://", e->http, "/");
    absl::StatusOr<bool> serving = rpc::CheckHealth(e->grpc);
    if (serving.ok() && *serving) {
      const std::string http = e->http.empty() ? "" : absl::StrCat(", HTTP http://", e->http, "/");
      add(service, true, absl::StrCat("gRPC ", e->grpc, http, ", metrics http://", e->metrics, "/metrics"), addresses);
    } else {
      add(service, false, serving.ok() ? "NOT_SERVING" : std::string(serving.status().message()), addresses);
    }
  }
  // Only a stack started with --prometheus has one.
  if (absl::StatusOr<std::string> prometheus = stack::ReadPrometheusAddress(data_dir); prometheus.ok()) {
    const std::string url = absl::StrCat("http://", *prometheus, "/");
    const bool ready = stack::PrometheusReady(*prometheus);
    add("prometheus", ready, ready ? url : absl::StrCat(url, " not answering"), {{"http", url}});
  }
  PrintComponents(*format, components);
  for (const ComponentStatus& c : components) {
    if (!c.serving) return 1;
  }
  return 0;
}

}  // namespace himaya::cli
