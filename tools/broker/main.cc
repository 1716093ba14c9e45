// himaya-broker: the embedded Kafka broker for local stacks and tests (librdkafka's mock
// cluster serving the real protocol on loopback). Memory only; each partition keeps at most
// 5 MiB or 100,000 message sets. Stops on SIGINT or SIGTERM.
#include <unistd.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "core/flags.h"
#include "core/json_file.h"
#include "core/log.h"
#include "core/programs.h"
#include "core/signals.h"
#include "events/mock_cluster.h"
#include "events/topics.h"

ABSL_FLAG(int, brokers, 1, "Number of brokers in the cluster");
ABSL_FLAG(int, partitions, 8, "Partitions of each of the suite's topics");
ABSL_FLAG(std::string, programs, "all", "Programs whose topics are created");
ABSL_FLAG(std::string, bootstrap_file, "", "Write {\"bootstrap_servers\": ...} here once serving");

int main(int argc, char** argv) {
  using namespace himaya;
  core::BlockTerminationSignals();
  log::SetService("broker");
  core::ParseFlags(argc, argv, "himaya-broker [flags]: the embedded Kafka broker");
  auto fail = [](const absl::Status& status) {
    std::fprintf(stderr, "himaya-broker: %s\n", status.ToString().c_str());
    return 1;
  };
  auto programs = core::ParsePrograms(absl::GetFlag(FLAGS_programs));
  if (!programs.ok()) return fail(programs.status());
  auto cluster = events::MockCluster::Start({.brokers = absl::GetFlag(FLAGS_brokers),
                                             .topics = events::SuiteTopics(*programs),
                                             .partitions = absl::GetFlag(FLAGS_partitions)});
  if (!cluster.ok()) return fail(cluster.status());
  const std::string& bootstrap = (*cluster)->bootstrap_servers();
  const std::string file = absl::GetFlag(FLAGS_bootstrap_file);
  if (!file.empty()) {
    absl::Status written =
        core::WriteJsonFile(file, {{"bootstrap_servers", bootstrap}, {"pid", static_cast<int>(getpid())}});
    if (!written.ok()) return fail(written);
  }
  std::printf(
      "himaya-broker: Kafka on %s (%d broker(s); topics of %s with %d partitions; "
      "memory only)\n",
      bootstrap.c_str(), absl::GetFlag(FLAGS_brokers), absl::StrJoin(*programs, ", ").c_str(),
      absl::GetFlag(FLAGS_partitions));
  std::fflush(stdout);
  log::Info("broker serving", {{"bootstrap_servers", bootstrap}});
  core::WaitForTerminationSignal();
  log::Info("broker stopping");
  return 0;
}
