#include "service/runtime.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/flags.h"
#include "core/json_file.h"
#include "core/log.h"
#include "core/programs.h"
#include "core/signals.h"
#include "core/status_macros.h"
#include "events/topics.h"
#include "service/instrumented_database.h"
#include "service/outbox_admin_service.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:0", "gRPC listening address (port 0: any free)");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:0", "Prometheus /metrics listening address (port 0: any free)");
ABSL_FLAG(std::string, data_dir, "./var",
          "Local data directory: SQLite files, and run/ where the local stack finds itself");
ABSL_FLAG(std::string, database, "",
          "Database URL: sqlite:PATH or postgresql://... (default: sqlite:DATA_DIR/SERVICE.db)");
ABSL_FLAG(int, database_pool, 4, "Database connections kept open");
ABSL_FLAG(std::string, kafka_bootstrap, "",
          "Kafka bootstrap servers (default: the embedded broker found in DATA_DIR/run/broker.json)");
ABSL_FLAG(std::string, kafka_properties, "", "Further librdkafka properties, k=v,k=v (security.protocol, sasl.*, ...)");
ABSL_FLAG(std::string, programs, "all", "Programs this process serves, comma-separated");
ABSL_FLAG(std::string, address_file, "", "Write the listening addresses here once serving");
ABSL_FLAG(bool, outbox_relay, true, "Publish this process's outbox to Kafka (off: another process relays)");
ABSL_FLAG(absl::Duration, outbox_retention, absl::Hours(24),
          "Published events are kept this long, to be published again to a new broker or on a replay");
ABSL_FLAG(int, consumer_batch, himaya::events::ConsumerOptions{}.max_batch,
          "Events a consumer applies in one transaction when they are already waiting (fewer: shorter "
          "transactions, more commits)");
ABSL_FLAG(int, handler_threads, 8, "Threads running RPC handlers");
ABSL_FLAG(int, handler_queue, 1000,
          "RPCs waiting for a handler thread; past this, calls are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, figures_interval, absl::Minutes(1),
          "How often the business figures are counted from the database (a slow count idles 9 times as long)");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate of this service (its CN is its identity), for mutual TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_ca, "", "PEM certificate of the authority that signs the suite's certificates");
ABSL_FLAG(bool, insecure_plaintext, false,
          "Serve and call gRPC in plaintext, without the --tls_* files: no caller has an identity, so RPCs "
          "that hand out secrets refuse every call (tests only)");

namespace himaya::service {

absl::StatusOr<ServiceConfig> ServiceConfig::FromFlags(const std::string& name) {
  ServiceConfig config;
  config.name = name;
  config.grpc_address = absl::GetFlag(FLAGS_grpc_address);
  config.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  config.database_url = absl::GetFlag(FLAGS_database);
  if (config.database_url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("data_dir: cannot create ", data_dir));
    config.database_url = absl::StrCat("sqlite:", data_dir, "/", name, ".db");
  }
  config.kafka.bootstrap_servers = absl::GetFlag(FLAGS_kafka_bootstrap);
  if (config.kafka.bootstrap_servers.empty()) {
    auto broker = core::ReadJsonFile(absl::StrCat(data_dir, "/run/broker.json"));
    if (!broker.ok() || !broker->contains("bootstrap_servers")) {
      return absl::InvalidArgumentError(
          "kafka_bootstrap: not given, and no embedded broker found in DATA_DIR/run/broker.json");
    }
    config.kafka.bootstrap_servers = (*broker)["bootstrap_servers"].get<std::string>();
  }
  ASSIGN_OR_RETURN(config.kafka.properties, events::ParseKafkaProperties(absl::GetFlag(FLAGS_kafka_properties)));
  ASSIGN_OR_RETURN(config.programs, core::ParsePrograms(absl::GetFlag(FLAGS_programs)));
  config.address_file = absl::GetFlag(FLAGS_address_file);
  config.outbox_relay = absl::GetFlag(FLAGS_outbox_relay);
  config.outbox_retention = absl::GetFlag(FLAGS_outbox_retention);
  if (config.outbox_retention <= absl::ZeroDuration()) return absl::InvalidArgumentError("outbox_retention: positive");
  config.consumer_batch = absl::GetFlag(FLAGS_consumer_batch);
  if (config.consumer_batch < 1 || config.consumer_batch > 100000) {
    return absl::InvalidArgumentError("consumer_batch: from 1 to 100000");
  }
  config.handler_threads = absl::GetFlag(FLAGS_handler_threads);
  config.database_pool = absl::GetFlag(FLAGS_database_pool);
  if (config.handler_threads < 1) return absl::InvalidArgumentError("handler_threads: at least 1");
  config.handler_queue = absl::GetFlag(FLAGS_handler_queue);
  if (config.handler_queue < 1) return absl::InvalidArgumentError("handler_queue: at least 1");
  if (config.database_pool < 1) return absl::InvalidArgumentError("database_pool: at least 1");
  config.figures_interval = absl::GetFlag(FLAGS_figures_interval);
  if (config.figures_interval < absl::Seconds(1)) return absl::InvalidArgumentError("figures_interval: at least 1s");
  const rpc::TlsFiles tls{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key), absl::GetFlag(FLAGS_tls_ca)};
  if (absl::GetFlag(FLAGS_insecure_plaintext)) {
    if (!tls.cert.empty() || !tls.key.empty() || !tls.ca.empty()) {
      return absl::InvalidArgumentError("insecure_plaintext: given with --tls_* files; choose one");
    }
  } else if (tls.cert.empty() && tls.key.empty() && tls.ca.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert, tls_key, tls_ca: required (internal gRPC is mutual TLS); --insecure_plaintext for tests only");
  } else {
    ASSIGN_OR_RETURN(config.tls, rpc::LoadTlsIdentity(tls));
  }
  log::Level level;
  if (!log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    return absl::InvalidArgumentError("log_level: one of debug, info, warning, error");
  }
  log::SetMinLevel(level);
  return config;
}

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(ServiceConfig config,
                                                                       std::vector<storage::MigrationSet> migrations) {
  std::unique_ptr<ServiceRuntime> runtime(new ServiceRuntime(std::move(config)));
  const ServiceConfig& c = runtime->config_;
  runtime->registry_ = std::make_shared<prometheus::Registry>();
  runtime->rpc_metrics_ = std::make_unique<metrics::RpcMetrics>(*runtime->registry_);
  runtime->outbox_metrics_ = std::make_unique<metrics::OutboxMetrics>(*runtime->registry_);
  runtime->consumer_metrics_ = std::make_unique<metrics::ConsumerMetrics>(*runtime->registry_);
  runtime->db_metrics_ = std::make_unique<metrics::DatabaseMetrics>(*runtime->registry_);

  ASSIGN_OR_RETURN(auto db, storage::Open({.url = c.database_url, .pool_size = c.database_pool}));
  runtime->db_ = Instrument(std::move(db), *runtime->db_metrics_);
  migrations.insert(migrations.begin(), events::EventTablesMigrations(runtime->db_->dialect()));
  RETURN_IF_ERROR(storage::ApplyMigrations(*runtime->db_, migrations));

  ASSIGN_OR_RETURN(runtime->metrics_server_, metrics::MetricsServer::Start(c.metrics_address, runtime->registry_));
  // This process calls the others as itself.
  if (c.tls) rpc::UseClientCredentials(rpc::MutualTlsChannelCredentials(*c.tls));
  ASSIGN_OR_RETURN(runtime->producer_, events::KafkaProducer::Create(c.kafka));
  runtime->relay_ = std::make_unique<events::OutboxRelay>(
      *runtime->db_, *runtime->producer_, runtime->clock(),
      events::RelayOptions{.publish = c.outbox_relay, .retention = c.outbox_retention}, runtime->outbox_metrics_.get());
  runtime->pool_ = std::make_unique<core::ThreadPool>(c.handler_threads, c.handler_queue);
  runtime->dead_letters_ = std::make_unique<metrics::FigureGauge>(
      *runtime->registry_, "himaya_consumer_dead_letters",
      "Events kept in dead_letters (they can never be applied), by consumer and topic",
      std::vector<std::string>{"consumer", "topic"});
  runtime->AddFigures("events", [r = runtime.get()](const metrics::FiguresPass::Stopping&) -> absl::Status {
    std::vector<events::DeadLetterCount> counts;
    RETURN_IF_ERROR(r->db_->Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(counts, events::CountDeadLetters(tx));
      return absl::OkStatus();
    }));
    // Every topic a consumer of this process reads shows, at 0 when nothing was kept.
    metrics::FigureGauge::Values values = r->consumed_;
    for (const events::DeadLetterCount& c : counts) values[{c.consumer, c.topic}] = static_cast<double>(c.events);
    r->dead_letters_->Publish(values);
    return absl::OkStatus();
  });
  log::Info("service starting", {{"database", std::string(storage::DialectName(runtime->db_->dialect()))},
                                 {"programs", absl::StrJoin(c.programs, ",")}});
  return runtime;
}

ServiceRuntime::~ServiceRuntime() { Shutdown(); }

absl::Status ServiceRuntime::AddConsumer(const std::string& group, std::vector<std::string> topics,
                                         events::EventApplier& applier) {
  for (const std::string& topic : topics) consumed_[{group, topic}] = 0;
  inboxes_.push_back(std::make_unique<events::InboxHandler>(*db_, group, applier, clock(), consumer_metrics_.get()));
  ASSIGN_OR_RETURN(
      auto consumer,
      events::KafkaConsumer::Create(
          {.kafka = config_.kafka, .group_id = group, .topics = std::move(topics), .max_batch = config_.consumer_batch},
          inboxes_.back().get(), consumer_metrics_.get()));
  consumers_.push_back(std::move(consumer));
  return absl::OkStatus();
}

void ServiceRuntime::AddFigures(const std::string& name, metrics::FiguresPass::Count count) {
  figures_.push_back(
      std::make_unique<metrics::FiguresPass>(*registry_, name, clock(), config_.figures_interval, std::move(count)));
}

absl::Status ServiceRuntime::Serve(std::vector<grpc::Service*> services, std::vector<std::string> names) {
  relay_->Start();
  for (auto& figures : figures_) figures->Start();
  for (auto& consumer : consumers_) consumer->Start();
  outbox_admin_ = std::make_unique<OutboxAdminService>(config_.name, *relay_, clock(), *pool_);
  services.push_back(outbox_admin_.get());
  names.push_back(events::v1::OutboxAdmin::service_full_name());
  ASSIGN_OR_RETURN(
      server_,
      rpc::Server::Start({.address = config_.grpc_address,
                          .services = std::move(services),
                          .service_names = std::move(names),
                          .metrics = rpc_metrics_.get(),
                          .credentials = config_.tls ? rpc::MutualTlsServerCredentials(*config_.tls) : nullptr}));
  const std::string grpc_address = absl::StrCat("127.0.0.1:", server_->port());
  const std::string metrics_address = absl::StrCat("127.0.0.1:", metrics_server_->port());
  if (!config_.address_file.empty()) {
    nlohmann::json addresses = {{"service", config_.name},
                                {"grpc", grpc_address},
                                {"metrics", metrics_address},
                                {"pid", static_cast<int>(getpid())}};
    for (const auto& [key, address] : announced_) addresses[key] = address;
    RETURN_IF_ERROR(core::WriteJsonFile(config_.address_file, addresses));
  }
  log::Info("service serving", {{"grpc", grpc_address}, {"metrics", metrics_address}});
  return absl::OkStatus();
}

int ServiceRuntime::WaitForShutdown() {
  int signal = core::WaitForTerminationSignal();
  log::Info("service stopping", {{"signal", signal}});
  Shutdown();
  log::Info("service stopped");
  return 0;
}

void ServiceRuntime::Shutdown() {
  // Stop taking work first, then finish what was taken, then publish what was committed.
  if (server_) server_->Shutdown(absl::Seconds(10));
  pool_.reset();  // runs the handlers already queued
  for (auto& figures : figures_) figures->Stop();
  for (auto it = stop_hooks_.rbegin(); it != stop_hooks_.rend(); ++it) (*it)();
  stop_hooks_.clear();
  for (auto& consumer : consumers_) consumer->Stop();
  consumers_.clear();
  if (relay_) {
    relay_->Stop();
    if (config_.outbox_relay) {
      absl::StatusOr<int> last = relay_->PublishBatch();
      if (!last.ok()) log::Warn("outbox: final publication failed", {{"error", last.status()}});
    }
  }
}

absl::StatusOr<std::string> PeerAddress(const std::string& service, const std::string& given) {
  if (!given.empty()) return given;
  const std::string run_file = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/run/", service, ".json");
  auto run = core::ReadJsonFile(run_file);
  if (!run.ok() || !run->is_object() || !run->contains("grpc") || !(*run)["grpc"].is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(service, "_address: not given, and no ", service, " found in DATA_DIR/run/", service, ".json"));
  }
  return (*run)["grpc"].get<std::string>();
}

int RunService(int argc, char** argv, const std::string& name,
               std::vector<storage::MigrationSet> (*migrations)(storage::Dialect),
               const std::function<absl::Status(ServiceRuntime&)>& setup) {
  core::BlockTerminationSignals();
  log::SetService(name);
  core::ParseFlags(argc, argv, absl::StrCat("himaya-", name, " [flags]: the ", name, " service"));
  absl::StatusOr<ServiceConfig> config = ServiceConfig::FromFlags(name);
  auto fail = [&](const absl::Status& status) {
    std::fprintf(stderr, "himaya-%s: %s\n", name.c_str(), status.ToString().c_str());
    log::Error("start-up failed", {{"error", status}});
    return 1;
  };
  if (!config.ok()) return fail(config.status());
  // Migrations are chosen by dialect, which the URL tells (storage::Open checks it fully).
  storage::Dialect dialect =
      config->database_url.rfind("postgres", 0) == 0 ? storage::Dialect::kPostgres : storage::Dialect::kSqlite;
  auto runtime = ServiceRuntime::Create(*config, migrations(dialect));
  if (!runtime.ok()) return fail(runtime.status());
  if (absl::Status s = setup(**runtime); !s.ok()) return fail(s);
  return (*runtime)->WaitForShutdown();
}

}  // namespace himaya::service
