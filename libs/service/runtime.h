// What every service process shares: its configuration (flags and HIMAYA_* environment), its
// database with migrations applied, metrics, the Kafka producer and outbox relay, consumers,
// the gRPC server, and an orderly stop on SIGTERM (drain calls, stop consumers, flush the
// outbox, close the database).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/thread_pool.h"
#include "events/envelope.h"
#include "events/inbox.h"
#include "events/kafka.h"
#include "events/outbox.h"
#include "metrics/figures.h"
#include "metrics/metrics.h"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace himaya::service {

// Immutable once built, from flags, at start.
struct ServiceConfig {
  std::string name;
  std::string grpc_address;
  std::string metrics_address;
  std::string database_url;
  events::KafkaOptions kafka;
  std::vector<std::string> programs;
  // Where to write {"grpc": ..., "metrics": ...} once serving; empty: nowhere.
  std::string address_file;
  bool outbox_relay = true;
  absl::Duration outbox_retention = absl::Hours(24);
  // Events a consumer hands to its applier in one transaction, when that many are waiting.
  int consumer_batch = events::ConsumerOptions{}.max_batch;
  int handler_threads = 8;
  // RPCs waiting for a handler thread before new ones are refused (RESOURCE_EXHAUSTED).
  int handler_queue = 1000;
  int database_pool = 4;
  // How often the business figures are counted from the database (slow counts idle longer).
  absl::Duration figures_interval = absl::Minutes(1);
  // Mutual TLS for gRPC, served and called (nullopt: plaintext, only with --insecure_plaintext).
  std::optional<rpc::TlsIdentity> tls;

  // Reads the common flags. `name` is the service's name (registration, notification, ...).
  // INVALID_ARGUMENT naming the flag at fault.
  static absl::StatusOr<ServiceConfig> FromFlags(const std::string& name);
};

class ServiceRuntime {
 public:
  // Opens the database and applies the event tables' migrations and `migrations`, starts the
  // metrics endpoint, connects the producer. Nothing is served yet.
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(ServiceConfig config,
                                                                std::vector<storage::MigrationSet> migrations);
  ~ServiceRuntime();

  const ServiceConfig& config() const { return config_; }
  storage::Database& db() { return *db_; }
  prometheus::Registry& registry() { return *registry_; }
  core::ThreadPool& handler_pool() { return *pool_; }
  const core::Clock& clock() { return core::SystemClock::Get(); }
  events::EventSource event_source() { return {config_.name, &clock(), &random_}; }
  core::RandomSource& random() { return random_; }
  // Wake after committing events, so they are published at once.
  events::OutboxRelay& relay() { return *relay_; }

  // Consumes `topics` as group `group`, applying events through the inbox.
  absl::Status AddConsumer(const std::string& group, std::vector<std::string> topics, events::EventApplier& applier);

  // Counts figures with `count` every --figures_interval once serving (see metrics/figures.h),
  // on a thread of its own, stopped before the stop hooks run. `name` labels the pass's
  // himaya_figures_pass_* series. Every process also counts its dead letters (pass "events":
  // himaya_consumer_dead_letters{consumer,topic}).
  void AddFigures(const std::string& name, metrics::FiguresPass::Count count);

  // Starts the relay, the consumers and the gRPC server (with `services` and the OutboxAdmin
  // service every process serves), then writes the address file.
  absl::Status Serve(std::vector<grpc::Service*> services, std::vector<std::string> names);

  // Adds `key`: `address` to the address file Serve writes, beside "grpc" and "metrics": another
  // listener of the process (the gateway's "http"). Called before Serve.
  void AnnounceAddress(const std::string& key, const std::string& address) { announced_[key] = address; }

  // Runs `hook` when stopping, after calls in flight have drained and before the outbox's last
  // publication and the database's closing: background workers of the domain stop (and, when
  // they touch the database on their way out, are destroyed) there. Hooks run in reverse order.
  void OnStop(std::function<void()> hook) { stop_hooks_.push_back(std::move(hook)); }

  // Blocks until SIGINT or SIGTERM, then stops in order. Returns the process's exit code.
  int WaitForShutdown();

 private:
  explicit ServiceRuntime(ServiceConfig config) : config_(std::move(config)) {}
  void Shutdown();

  ServiceConfig config_;
  core::SystemRandom random_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
  std::unique_ptr<metrics::RpcMetrics> rpc_metrics_;
  std::unique_ptr<metrics::OutboxMetrics> outbox_metrics_;
  std::unique_ptr<metrics::ConsumerMetrics> consumer_metrics_;
  std::unique_ptr<metrics::DatabaseMetrics> db_metrics_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<core::ThreadPool> pool_;
  std::unique_ptr<events::Producer> producer_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::vector<std::unique_ptr<events::InboxHandler>> inboxes_;
  std::vector<std::unique_ptr<events::Consumer>> consumers_;
  std::unique_ptr<grpc::Service> outbox_admin_;
  std::unique_ptr<rpc::Server> server_;
  std::vector<std::unique_ptr<metrics::FiguresPass>> figures_;
  std::unique_ptr<metrics::FigureGauge> dead_letters_;
  // (consumer, topic) of every consumer added; set before Serve, read by the figures pass after.
  metrics::FigureGauge::Values consumed_;
  std::vector<std::function<void()>> stop_hooks_;
  std::map<std::string, std::string> announced_;
};

// The gRPC address of another service of the suite: `given` (its --<service>_address flag) when
// set, else the one the local stack wrote in DATA_DIR/run/<service>.json. INVALID_ARGUMENT naming
// the flag when neither says.
absl::StatusOr<std::string> PeerAddress(const std::string& service, const std::string& given);

// Runs a service's main: blocks termination signals, parses flags, and on any start-up error
// prints one line and returns 1. `setup` builds the domain and calls Serve.
int RunService(int argc, char** argv, const std::string& name,
               std::vector<storage::MigrationSet> (*migrations)(storage::Dialect),
               const std::function<absl::Status(ServiceRuntime&)>& setup);

}  // namespace himaya::service
