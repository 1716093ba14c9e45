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
#include "rpc/client.h"

ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_FLAG(std::string, registration_database, "",
          "up/demo: database URL of registration (default: SQLite in the data directory)");
ABSL_FLAG(std::string, notification_database, "",
          "up/demo: database URL of notification (default: SQLite in the data directory)");
ABSL_FLAG(std::string, programs, "all", "up/demo: programs the stack serves");

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

}  // namespace

stack::StackOptions StackOptionsFromFlags(const std::string& data_dir) {
  stack::StackOptions options;
  options.data_dir = data_dir;
  options.programs = absl::GetFlag(FLAGS_programs);
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
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  bool all_up = true;
  const std::map<std::string, int> restarts = stack::ReadRestarts(data_dir).value_or(std::map<std::string, int>{});
  auto broker_restarts = restarts.find("broker");
  const std::string broker_note = broker_restarts == restarts.end() || broker_restarts->second == 0
                                      ? ""
                                      : absl::StrCat(", restarts ", broker_restarts->second);
  absl::StatusOr<std::string> bootstrap = stack::ReadBootstrap(data_dir);
  if (bootstrap.ok() && BrokerReachable(*bootstrap)) {
    std::printf("%-13s SERVING   Kafka on %s%s\n", "broker", bootstrap->c_str(), broker_note.c_str());
  } else {
    all_up = false;
    std::printf("%-13s DOWN      %s%s\n", "broker", bootstrap.ok() ? "not answering" : "not running (no run file)",
                broker_note.c_str());
  }
  for (const std::string& service : stack::Services()) {
    auto restarted = restarts.find(service);
    const std::string restart_note = restarted == restarts.end() ? "" : absl::StrCat(", restarts ", restarted->second);
    absl::StatusOr<stack::Endpoint> e = stack::ReadEndpoint(data_dir, service);
    if (!e.ok()) {
      all_up = false;
      std::printf("%-13s DOWN      not running (no run file)%s\n", service.c_str(), restart_note.c_str());
      continue;
    }
    absl::StatusOr<bool> serving = rpc::CheckHealth(e->grpc);
    if (serving.ok() && *serving) {
      const std::string http = e->http.empty() ? "" : absl::StrCat(", HTTP http://", e->http, "/");
      std::printf("%-13s SERVING   gRPC %s%s, metrics http://%s/metrics%s\n", service.c_str(), e->grpc.c_str(),
                  http.c_str(), e->metrics.c_str(), restart_note.c_str());
    } else {
      all_up = false;
      std::printf("%-13s DOWN      %s%s\n", service.c_str(),
                  serving.ok() ? "NOT_SERVING" : std::string(serving.status().message()).c_str(), restart_note.c_str());
    }
  }
  return all_up ? 0 : 1;
}

}  // namespace himaya::cli
