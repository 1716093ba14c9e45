// The whole suite as local processes: the embedded broker, then each service, on free
// loopback ports, finding each other through DATA_DIR/run/*.json. Used by `himaya up` and
// `himaya demo`, and by the end-to-end tests, which also kill and restart services in it.
// One stack at a time per data directory: it holds an exclusive lock on DATA_DIR/run/stack.lock
// while it runs (a second stack on the same SQLite files and run/ files would corrupt both).
// Secrets it makes once and keeps there: DATA_DIR/secrets/activation_code.key,
// DATA_DIR/secrets/attestation/stack-1.{key,pub} (attestations' seal), and DATA_DIR/tls,
// a certificate authority with a certificate per service and one for the CLI (local_authority.h):
// internal gRPC is mutual TLS, and the process that starts a stack calls it as the CLI.
// With StackOptions::prometheus, Debian's Prometheus server scrapes every service and evaluates
// the project's rules (local_prometheus.h), its files under DATA_DIR/prometheus.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/process.h"
#include "rpc/credentials.h"
#include "stack/local_prometheus.h"
#include "stack/restart_backoff.h"

namespace himaya::stack {

// The identity (certificate CN) of the agents' command line.
inline constexpr char kCliIdentity[] = "cli";

// The services of the suite, in start order.
const std::vector<std::string>& Services();

struct StackOptions {
  std::string data_dir;
  // Where himaya-broker and himaya-<service> are (default: HIMAYA_BIN_DIR, else beside the
  // running executable).
  std::string bin_dir;
  // Database URL per service (default: sqlite:DATA_DIR/<service>.db).
  std::map<std::string, std::string> databases;
  std::string programs = "all";
  int partitions = 8;
  // The services to start (default: all of Services()).
  std::vector<std::string> services;
  // Extra flags per service, e.g. {"registration", {"--outbox_relay=false"}}.
  std::map<std::string, std::vector<std::string>> extra_flags;
  // Also start a Prometheus server scraping every service, with the project's rules, once the
  // services serve (its address in DATA_DIR/run/prometheus.json).
  bool prometheus = false;
  // Service output goes to DATA_DIR/logs/<name>.log.
};

// What a component's run file says: where it listens.
struct Endpoint {
  std::string grpc;
  std::string metrics;
  // HTTP, for the gateway (empty for the others).
  std::string http;
};

class LocalStack {
 public:
  // Starts the broker and every service, and waits until each reports SERVING.
  // FAILED_PRECONDITION when another stack runs on the same data directory.
  static absl::StatusOr<std::unique_ptr<LocalStack>> Start(const StackOptions& options);
  // Stops services, then the broker.
  ~LocalStack();

  const std::string& bootstrap_servers() const { return bootstrap_; }
  // The endpoint of a running service.
  Endpoint endpoint(const std::string& service) const;
  const std::string& data_dir() const { return options_.data_dir; }
  // The gateway's base URL ("http://127.0.0.1:PORT"): the portal and the HTTP API. Empty when the
  // gateway does not run.
  std::string gateway_url() const;
  // The Prometheus server's base URL ("http://127.0.0.1:PORT"); empty when it does not run.
  std::string prometheus_url() const;
  // The certificate and key of `identity` (a service, or kCliIdentity) and the authority's.
  rpc::TlsFiles tls_files(const std::string& identity) const { return TlsFilesIn(options_.data_dir, identity); }
  // --tls_cert, --tls_key and --tls_ca of `identity`, for a service started beside the stack.
  std::vector<std::string> tls_flags(const std::string& identity) const;
  // The same, for the stack of `data_dir`.
  static rpc::TlsFiles TlsFilesIn(const std::string& data_dir, const std::string& identity);
  // The process id of a running service (or "broker", "prometheus"), 0 when it is not running.
  pid_t pid(const std::string& service) const;

  // Starts (or restarts) one service and waits until it serves; `extra_flags` replace the
  // options' extra flags for it when given, and Supervise restarts it with the same flags.
  absl::Status StartService(const std::string& service, const std::vector<std::string>* extra_flags = nullptr);
  // Sends `signal` (SIGKILL for a crash, SIGTERM for a stop) and waits for the process to end.
  // Returns its wait status (as waitpid), or -1 when it was not running.
  int StopService(const std::string& service, int signal);
  // Components that were started and have since exited on their own (for a service: and that
  // Supervise has not taken care of yet).
  std::vector<std::string> Exited();
  // Supervises the services as Kubernetes would: a service that exited on its own (not through
  // StopService) is started again after its back-off (RestartBackoff), on the addresses it
  // served on, so that the others find it where it was. The broker and the other services are
  // left running. Returns one line per exit and per restart, for the operator. `himaya up`
  // calls it a few times a second; the restarts are counted in DATA_DIR/run/stack.json.
  // A broker that exited is started again (with its own back-off) on new ports, and every
  // service after it, since each holds the old broker's address: the new broker holds nothing,
  // and each service publishes its retained events to it again (events::OutboxRelay).
  std::vector<std::string> Supervise();
  // How many times Supervise restarted `service` ("broker" for the broker, "prometheus").
  int restarts(const std::string& service) const;
  // Stops everything (services first), then releases the data directory. Idempotent.
  void Stop();

 private:
  explicit LocalStack(StackOptions options) : options_(std::move(options)) {}
  // A service's life under supervision.
  struct Supervision {
    RestartBackoff backoff;
    absl::Time started_at;
    // When an exited service is started again; InfiniteFuture while it runs.
    absl::Time restart_at = absl::InfiniteFuture();
    int restarts = 0;
    // Where it last served (empty when it exited before serving: it then gets fresh ports).
    Endpoint served_on;
    // The extra flags it was started with: a restart gives it the same.
    std::vector<std::string> extra_flags;
  };

  absl::Status LockDataDir();
  absl::Status StartBroker();
  // Starts the service's process with `extra_flags` without waiting for it; on `addresses` when
  // given.
  absl::Status LaunchService(const std::string& service, const std::vector<std::string>& extra_flags,
                             const Endpoint* addresses);
  // Starts the Prometheus server on `port` (0: a free one) and writes DATA_DIR/run/prometheus.json.
  absl::Status StartPrometheus(int port);
  // A service serves on endpoints_[service]: Prometheus scrapes it there from now on.
  void NoteServing(const std::string& service);
  // DATA_DIR/run/stack.json: this process and each service's pid and restarts.
  void WriteStackFile();
  StackOptions options_;
  // The open DATA_DIR/run/stack.lock, locked (flock) while the stack runs; -1 when released.
  int lock_fd_ = -1;
  std::string bootstrap_;
  std::unique_ptr<core::Subprocess> broker_;
  std::map<std::string, std::unique_ptr<core::Subprocess>> services_;
  std::map<std::string, Endpoint> endpoints_;
  std::map<std::string, Supervision> supervision_;
  Supervision broker_supervision_;
  // The broker's part of Supervise.
  void SuperviseBroker(absl::Time now, std::vector<std::string>& lines, bool& changed);
  // Prometheus's part of Supervise: restarted with back-off on its port, its TSDB kept.
  void SupervisePrometheus(absl::Time now, std::vector<std::string>& lines, bool& changed);
  std::unique_ptr<LocalPrometheus> prometheus_;
  Supervision prometheus_supervision_;
  int prometheus_port_ = 0;
  // Each service's last /metrics address: a stopped service stays a target (Prometheus then
  // records it down, `up` 0), as a Kubernetes Service's endpoint would.
  std::map<std::string, std::string> scrape_targets_;
};

// Deletes a stack's data directory and all it holds, unless a stack runs on it:
// FAILED_PRECONDITION naming the running stack, as LocalStack::Start says it.
absl::Status RemoveDataDir(const std::string& data_dir);

// The restarts of each service of a running stack, from DATA_DIR/run/stack.json (for `himaya
// status`). NOT_FOUND when no stack runs there.
absl::StatusOr<std::map<std::string, int>> ReadRestarts(const std::string& data_dir);

// Reads DATA_DIR/run/<component>.json of a running stack (for the CLI).
absl::StatusOr<Endpoint> ReadEndpoint(const std::string& data_dir, const std::string& service);
// The Prometheus server's HOST:PORT from DATA_DIR/run/prometheus.json. NOT_FOUND when the stack
// runs without one (or no stack runs).
absl::StatusOr<std::string> ReadPrometheusAddress(const std::string& data_dir);
// Reads the broker's bootstrap servers from DATA_DIR/run/broker.json.
absl::StatusOr<std::string> ReadBootstrap(const std::string& data_dir);

// The directory of the suite's executables (HIMAYA_BIN_DIR, else the running executable's).
std::string DefaultBinDir();

// Waits until `ready` returns true, up to `timeout`. DEADLINE_EXCEEDED naming `what`.
absl::Status WaitUntil(const std::function<bool()>& ready, absl::Duration timeout, const std::string& what);

}  // namespace himaya::stack
