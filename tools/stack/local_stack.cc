#include "stack/local_stack.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "core/json_file.h"
#include "core/status_macros.h"
#include "rpc/client.h"
#include "rpc/credentials.h"
#include "seal/keys.h"
#include "stack/local_authority.h"

namespace himaya::stack {
namespace {

std::string RunFile(const std::string& data_dir, const std::string& component) {
  return absl::StrCat(data_dir, "/run/", component, ".json");
}

std::string LogFile(const std::string& data_dir, const std::string& component) {
  return absl::StrCat(data_dir, "/logs/", component, ".log");
}

std::string TlsDir(const std::string& data_dir) { return absl::StrCat(data_dir, "/tls"); }

std::string ActivationCodeKeyFile(const std::string& data_dir) {
  return absl::StrCat(data_dir, "/secrets/activation_code.key");
}

// Creates DATA_DIR/secrets/activation_code.key once (32 random bytes in hex, mode 0600), so that
// codes already sent stay valid across restarts of the stack.
absl::Status EnsureActivationCodeKey(const std::string& data_dir) {
  const std::string path = ActivationCodeKeyFile(data_dir);
  if (std::filesystem::exists(path)) return absl::OkStatus();
  const std::string dir = absl::StrCat(data_dir, "/secrets");
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create ", dir));
  }
  std::string key(32, '\0');
  if (getrandom(key.data(), key.size(), 0) != static_cast<ssize_t>(key.size())) {
    return absl::InternalError("no random bytes for the activation code key");
  }
  return WriteFileWithMode(path, absl::StrCat(absl::BytesToHexString(key), "\n"), 0600);
}

std::string AttestationKeysDir(const std::string& data_dir) { return absl::StrCat(data_dir, "/secrets/attestation"); }
constexpr char kAttestationKeyId[] = "stack-1";
std::string AttestationKeyFile(const std::string& data_dir) {
  return absl::StrCat(AttestationKeysDir(data_dir), "/", kAttestationKeyId, ".key");
}

// Creates the key attestations are sealed with once, DATA_DIR/secrets/attestation/stack-1.key
// (and .pub beside it, the key ring of verifiers), so that certificates issued before a restart
// still verify.
absl::Status EnsureAttestationKey(const std::string& data_dir) {
  if (std::filesystem::exists(AttestationKeyFile(data_dir))) return absl::OkStatus();
  return seal::CreateSigningKey(AttestationKeysDir(data_dir), kAttestationKeyId).status();
}

}  // namespace

const std::vector<std::string>& Services() {
  static const auto* const services =
      new std::vector<std::string>{"registration", "notification", "beneficiary", "claims", "contributions", "gateway"};
  return *services;
}

std::string DefaultBinDir() {
  if (const char* dir = std::getenv("HIMAYA_BIN_DIR")) return dir;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : self.parent_path().string();
}

absl::Status WaitUntil(const std::function<bool()>& ready, absl::Duration timeout, const std::string& what) {
  absl::Time deadline = absl::Now() + timeout;
  while (!ready()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("timed out waiting for ", what));
    }
    absl::SleepFor(absl::Milliseconds(25));
  }
  return absl::OkStatus();
}

absl::StatusOr<Endpoint> ReadEndpoint(const std::string& data_dir, const std::string& service) {
  ASSIGN_OR_RETURN(auto json, core::ReadJsonFile(RunFile(data_dir, service)));
  if (!json.contains("grpc") || !json.contains("metrics")) {
    return absl::DataLossError(absl::StrCat(RunFile(data_dir, service), " names no address"));
  }
  Endpoint endpoint{json["grpc"].get<std::string>(), json["metrics"].get<std::string>()};
  if (json.contains("http") && json["http"].is_string()) endpoint.http = json["http"].get<std::string>();
  return endpoint;
}

absl::StatusOr<std::string> ReadPrometheusAddress(const std::string& data_dir) {
  ASSIGN_OR_RETURN(auto json, core::ReadJsonFile(RunFile(data_dir, "prometheus")));
  if (!json.contains("http") || !json["http"].is_string()) {
    return absl::DataLossError(absl::StrCat(RunFile(data_dir, "prometheus"), " names no address"));
  }
  return json["http"].get<std::string>();
}

absl::StatusOr<std::string> ReadBootstrap(const std::string& data_dir) {
  ASSIGN_OR_RETURN(auto json, core::ReadJsonFile(RunFile(data_dir, "broker")));
  if (!json.contains("bootstrap_servers")) {
    return absl::DataLossError(absl::StrCat(RunFile(data_dir, "broker"), " names no servers"));
  }
  return json["bootstrap_servers"].get<std::string>();
}

absl::StatusOr<std::unique_ptr<LocalStack>> LocalStack::Start(const StackOptions& options) {
  std::unique_ptr<LocalStack> stack(new LocalStack(options));
  StackOptions& o = stack->options_;
  if (o.bin_dir.empty()) o.bin_dir = DefaultBinDir();
  for (const char* sub : {"/run", "/logs"}) {
    std::error_code ec;
    std::filesystem::create_directories(o.data_dir + sub, ec);
    if (ec) return absl::FailedPreconditionError(absl::StrCat("cannot create ", o.data_dir, sub));
  }
  RETURN_IF_ERROR(stack->LockDataDir());
  RETURN_IF_ERROR(EnsureActivationCodeKey(o.data_dir));
  RETURN_IF_ERROR(EnsureAttestationKey(o.data_dir));
  std::vector<std::string> identities = Services();
  identities.push_back(kCliIdentity);
  RETURN_IF_ERROR(EnsureCertificates(TlsDir(o.data_dir), identities));
  // This process talks to the stack as the agents' command line does.
  ASSIGN_OR_RETURN(rpc::TlsIdentity cli, rpc::LoadTlsIdentity(stack->tls_files(kCliIdentity)));
  rpc::UseClientCredentials(rpc::MutualTlsChannelCredentials(cli));
  RETURN_IF_ERROR(stack->StartBroker());
  if (o.services.empty()) o.services = Services();
  for (const std::string& service : o.services) RETURN_IF_ERROR(stack->StartService(service));
  if (o.prometheus) RETURN_IF_ERROR(stack->StartPrometheus(0));
  return stack;
}

namespace {

// Opens DATA_DIR/run/stack.lock and takes it (flock), writing this process's id in it. Returns
// the open descriptor; FAILED_PRECONDITION naming the holder when another process has it.
absl::StatusOr<int> TakeDataDirLock(const std::string& data_dir) {
  const std::string path = absl::StrCat(data_dir, "/run/stack.lock");
  // Close-on-exec: the children must not keep the lock after this process is gone.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return absl::FailedPreconditionError(absl::StrCat("cannot open ", path));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buffer[32] = {};
    ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
    close(fd);
    int holder = 0;
    std::string pid_note;
    if (n > 0 && absl::SimpleAtoi(absl::StripAsciiWhitespace(buffer), &holder)) {
      pid_note = absl::StrCat(" (pid ", holder, ")");
    }
    return absl::FailedPreconditionError(
        absl::StrCat("another stack is running on ", data_dir, pid_note, "; stop it, or give another --data_dir"));
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  }
  return fd;
}

}  // namespace

absl::Status LocalStack::LockDataDir() {
  ASSIGN_OR_RETURN(lock_fd_, TakeDataDirLock(options_.data_dir));
  return absl::OkStatus();
}

absl::Status RemoveDataDir(const std::string& data_dir) {
  std::error_code ec;
  if (std::filesystem::exists(absl::StrCat(data_dir, "/run/stack.lock"), ec)) {
    ASSIGN_OR_RETURN(int fd, TakeDataDirLock(data_dir));
    std::filesystem::remove_all(data_dir, ec);
    close(fd);
  } else {
    std::filesystem::remove_all(data_dir, ec);
  }
  if (ec) return absl::FailedPreconditionError(absl::StrCat("cannot remove ", data_dir, ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status LocalStack::StartBroker() {
  const std::string run_file = RunFile(options_.data_dir, "broker");
  std::filesystem::remove(run_file);
  ASSIGN_OR_RETURN(
      core::Subprocess broker,
      core::Subprocess::Start(
          {.argv = {options_.bin_dir + "/himaya-broker", absl::StrCat("--partitions=", options_.partitions),
                    absl::StrCat("--programs=", options_.programs), absl::StrCat("--bootstrap_file=", run_file)},
           .stdout_path = LogFile(options_.data_dir, "broker"),
           .stderr_path = LogFile(options_.data_dir, "broker")}));
  broker_ = std::make_unique<core::Subprocess>(std::move(broker));
  broker_supervision_.started_at = absl::Now();
  RETURN_IF_ERROR(WaitUntil([&] { return ReadBootstrap(options_.data_dir).ok() || !broker_->Running(); },
                            absl::Seconds(30), "the broker"));
  if (!broker_->Running()) {
    return absl::InternalError(absl::StrCat("the broker exited at start; see ", LogFile(options_.data_dir, "broker")));
  }
  ASSIGN_OR_RETURN(bootstrap_, ReadBootstrap(options_.data_dir));
  return absl::OkStatus();
}

absl::Status LocalStack::LaunchService(const std::string& service, const std::vector<std::string>& extra_flags,
                                       const Endpoint* addresses) {
  const std::string run_file = RunFile(options_.data_dir, service);
  std::filesystem::remove(run_file);
  auto db = options_.databases.find(service);
  std::vector<std::string> argv = {
      absl::StrCat(options_.bin_dir, "/himaya-", service),
      absl::StrCat("--data_dir=", options_.data_dir),
      absl::StrCat("--database=", db != options_.databases.end()
                                      ? db->second
                                      : absl::StrCat("sqlite:", options_.data_dir, "/", service, ".db")),
      absl::StrCat("--kafka_bootstrap=", bootstrap_),
      absl::StrCat("--programs=", options_.programs),
      absl::StrCat("--address_file=", run_file),
      // A laptop's figures are counted every few seconds (a minute in production).
      "--figures_interval=5s"};
  if (addresses != nullptr) {
    argv.push_back(absl::StrCat("--grpc_address=", addresses->grpc));
    argv.push_back(absl::StrCat("--metrics_address=", addresses->metrics));
    if (!addresses->http.empty()) argv.push_back(absl::StrCat("--http_address=", addresses->http));
  }
  const std::vector<std::string> tls = tls_flags(service);
  argv.insert(argv.end(), tls.begin(), tls.end());
  if (service == "registration") {
    argv.push_back(absl::StrCat("--activation_code_key_file=", ActivationCodeKeyFile(options_.data_dir)));
  }
  if (service == "beneficiary") {
    argv.push_back(absl::StrCat("--attestation_key_file=", AttestationKeyFile(options_.data_dir)));
    argv.push_back(absl::StrCat("--attestation_keys_dir=", AttestationKeysDir(options_.data_dir)));
  }
  if (service == "notification") {
    // A local stack sends at any hour, into DATA_DIR/sms.jsonl.
    argv.push_back("--quiet_hours=");
    argv.push_back("--sms_provider=file");
  }
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  const std::string log = LogFile(options_.data_dir, service);
  ASSIGN_OR_RETURN(core::Subprocess process,
                   core::Subprocess::Start({.argv = argv, .stdout_path = log, .stderr_path = log}));
  services_[service] = std::make_unique<core::Subprocess>(std::move(process));
  return absl::OkStatus();
}

absl::Status LocalStack::StartService(const std::string& service, const std::vector<std::string>* extra_flags) {
  StopService(service, SIGTERM);
  const std::vector<std::string> flags = extra_flags != nullptr ? *extra_flags : options_.extra_flags[service];
  RETURN_IF_ERROR(LaunchService(service, flags, nullptr));
  const std::string log = LogFile(options_.data_dir, service);
  auto& slot = services_[service];
  RETURN_IF_ERROR(WaitUntil(
      [&] {
        if (!slot->Running()) return true;
        auto endpoint = ReadEndpoint(options_.data_dir, service);
        return endpoint.ok() && rpc::CheckHealth(endpoint->grpc, "").value_or(false);
      },
      absl::Seconds(60), absl::StrCat("the ", service, " service")));
  if (!slot->Running()) {
    return absl::InternalError(absl::StrCat("the ", service, " service exited at start; see ", log));
  }
  ASSIGN_OR_RETURN(endpoints_[service], ReadEndpoint(options_.data_dir, service));
  NoteServing(service);
  Supervision& supervision = supervision_[service];
  supervision.started_at = absl::Now();
  supervision.restart_at = absl::InfiniteFuture();
  supervision.served_on = endpoints_[service];
  supervision.extra_flags = flags;
  WriteStackFile();
  return absl::OkStatus();
}

void LocalStack::SuperviseBroker(absl::Time now, std::vector<std::string>& lines, bool& changed) {
  Supervision& b = broker_supervision_;
  if (broker_ != nullptr && broker_->Running()) return;
  if (broker_ != nullptr) {
    const int status = broker_->Wait(absl::ZeroDuration()).value_or(-1);
    const absl::Duration uptime = now - b.started_at;
    b.restart_at = now + b.backoff.AfterExit(uptime);
    broker_.reset();
    lines.push_back(absl::StrCat("broker ", core::DescribeWaitStatus(status), " after ",
                                 absl::FormatDuration(absl::Trunc(uptime, absl::Milliseconds(100))),
                                 "; it held the events in memory only: restarting it, then every service (see ",
                                 LogFile(options_.data_dir, "broker"), ")"));
    changed = true;
  }
  if (now < b.restart_at) return;
  ++b.restarts;
  b.started_at = now;
  if (absl::Status started = StartBroker(); !started.ok()) {
    broker_.reset();
    b.restart_at = now + b.backoff.AfterExit(absl::ZeroDuration());
    lines.push_back(absl::StrCat("broker could not be restarted: ", started.message()));
    return;
  }
  b.restart_at = absl::InfiniteFuture();
  lines.push_back(absl::StrCat("broker restarted on ", bootstrap_, " (", b.restarts, " restart(s) so far)"));
  // Each service holds the old broker's address: it is replaced, and the loop below starts it
  // again with the new one.
  for (auto& [service, process] : services_) {
    if (process != nullptr && supervision_.count(service) > 0) process->Signal(SIGKILL);
  }
  changed = true;
}

absl::Status LocalStack::StartPrometheus(int port) {
  const std::string run_file = RunFile(options_.data_dir, "prometheus");
  std::filesystem::remove(run_file);
  ASSIGN_OR_RETURN(prometheus_, LocalPrometheus::Start(absl::StrCat(options_.data_dir, "/prometheus"), scrape_targets_,
                                                       port, LogFile(options_.data_dir, "prometheus")));
  prometheus_port_ = prometheus_->port();
  prometheus_supervision_.started_at = absl::Now();
  prometheus_supervision_.restart_at = absl::InfiniteFuture();
  RETURN_IF_ERROR(core::WriteJsonFile(run_file, {{"http", prometheus_->address()}, {"pid", prometheus_->pid()}}));
  WriteStackFile();
  return absl::OkStatus();
}

void LocalStack::NoteServing(const std::string& service) {
  scrape_targets_[service] = endpoints_[service].metrics;
  // Prometheus keeps scraping the old address until the file is written again: one line in its
  // log, the next change rewrites it.
  if (prometheus_ != nullptr) (void)prometheus_->SetTargets(scrape_targets_);
}

void LocalStack::SupervisePrometheus(absl::Time now, std::vector<std::string>& lines, bool& changed) {
  Supervision& p = prometheus_supervision_;
  if (!options_.prometheus || (prometheus_ != nullptr && prometheus_->Running())) return;
  if (prometheus_ != nullptr) {
    const int status = prometheus_->ExitStatus();
    const absl::Duration uptime = now - p.started_at;
    p.restart_at = now + p.backoff.AfterExit(uptime);
    prometheus_.reset();
    lines.push_back(absl::StrCat("prometheus ", core::DescribeWaitStatus(status), " after ",
                                 absl::FormatDuration(absl::Trunc(uptime, absl::Milliseconds(100))), "; restarting in ",
                                 absl::FormatDuration(p.restart_at - now), " (see ",
                                 LogFile(options_.data_dir, "prometheus"), ")"));
    changed = true;
  }
  if (now < p.restart_at) return;
  ++p.restarts;
  if (absl::Status started = StartPrometheus(prometheus_port_); !started.ok()) {
    prometheus_.reset();
    p.restart_at = now + p.backoff.AfterExit(absl::ZeroDuration());
    lines.push_back(absl::StrCat("prometheus could not be restarted: ", started.message()));
    return;
  }
  lines.push_back(absl::StrCat("prometheus restarted on http://", prometheus_->address(), "/ (", p.restarts,
                               " restart(s) so far)"));
  changed = true;
}

std::vector<std::string> LocalStack::Supervise() {
  std::vector<std::string> lines;
  const absl::Time now = absl::Now();
  bool changed = false;
  SuperviseBroker(now, lines, changed);
  SupervisePrometheus(now, lines, changed);
  for (auto& [service, s] : supervision_) {
    std::unique_ptr<core::Subprocess>& slot = services_[service];
    if (slot != nullptr && slot->Running()) {
      if (endpoints_.count(service) == 0) {  // restarted, serving yet?
        absl::StatusOr<Endpoint> endpoint = ReadEndpoint(options_.data_dir, service);
        if (endpoint.ok()) {
          endpoints_[service] = s.served_on = *endpoint;
          NoteServing(service);
          lines.push_back(absl::StrCat(service, " serves again on ", endpoint->grpc, " (pid ", slot->pid(), ")"));
        }
      }
      continue;
    }
    if (slot != nullptr) {
      const int status = slot->Wait(absl::ZeroDuration()).value_or(-1);
      const absl::Duration uptime = now - s.started_at;
      const absl::Duration delay = s.backoff.AfterExit(uptime);
      // It exited before serving: perhaps its port was taken; fresh ports next time.
      if (endpoints_.count(service) == 0) s.served_on = Endpoint{};
      s.restart_at = now + delay;
      slot.reset();
      endpoints_.erase(service);
      lines.push_back(absl::StrCat(service, " ", core::DescribeWaitStatus(status), " after ",
                                   absl::FormatDuration(absl::Trunc(uptime, absl::Milliseconds(100))),
                                   "; restarting in ", absl::FormatDuration(delay), " (see ",
                                   LogFile(options_.data_dir, service), ")"));
      changed = true;
      continue;
    }
    if (now < s.restart_at) continue;
    ++s.restarts;
    s.started_at = now;
    s.restart_at = absl::InfiniteFuture();
    absl::Status launched = LaunchService(service, s.extra_flags, s.served_on.grpc.empty() ? nullptr : &s.served_on);
    if (launched.ok()) {
      lines.push_back(absl::StrCat(service, " restarted (pid ", slot->pid(), "; ", s.restarts, " restart(s) so far)"));
    } else {
      s.restart_at = now + s.backoff.AfterExit(absl::ZeroDuration());
      lines.push_back(absl::StrCat(service, " could not be restarted: ", launched.message()));
    }
    changed = true;
  }
  if (changed) WriteStackFile();
  return lines;
}

std::vector<std::string> LocalStack::tls_flags(const std::string& identity) const {
  const rpc::TlsFiles files = tls_files(identity);
  return {absl::StrCat("--tls_cert=", files.cert), absl::StrCat("--tls_key=", files.key),
          absl::StrCat("--tls_ca=", files.ca)};
}

rpc::TlsFiles LocalStack::TlsFilesIn(const std::string& data_dir, const std::string& identity) {
  return CertificateFiles(TlsDir(data_dir), identity);
}

int LocalStack::restarts(const std::string& service) const {
  if (service == "broker") return broker_supervision_.restarts;
  if (service == "prometheus") return prometheus_supervision_.restarts;
  auto it = supervision_.find(service);
  return it == supervision_.end() ? 0 : it->second.restarts;
}

void LocalStack::WriteStackFile() {
  nlohmann::json services = nlohmann::json::object();
  for (const auto& [service, s] : supervision_) {
    services[service] = {{"pid", pid(service)}, {"restarts", s.restarts}};
  }
  services["broker"] = {{"pid", broker_ ? static_cast<int>(broker_->pid()) : 0},
                        {"restarts", broker_supervision_.restarts}};
  if (options_.prometheus) {
    services["prometheus"] = {{"pid", pid("prometheus")}, {"restarts", prometheus_supervision_.restarts}};
  }
  // For `himaya status` only: a stack that cannot write it still runs.
  (void)core::WriteJsonFile(RunFile(options_.data_dir, "stack"),
                            {{"pid", static_cast<int>(getpid())}, {"services", services}});
}

absl::StatusOr<std::map<std::string, int>> ReadRestarts(const std::string& data_dir) {
  ASSIGN_OR_RETURN(auto json, core::ReadJsonFile(RunFile(data_dir, "stack")));
  std::map<std::string, int> restarts;
  if (!json.contains("services") || !json["services"].is_object()) return restarts;
  for (const auto& [service, s] : json["services"].items()) {
    if (s.contains("restarts") && s["restarts"].is_number_integer()) restarts[service] = s["restarts"].get<int>();
  }
  return restarts;
}

int LocalStack::StopService(const std::string& service, int signal) {
  supervision_.erase(service);  // stopped on purpose: not to be restarted
  auto it = services_.find(service);
  if (it == services_.end() || it->second == nullptr) return -1;
  int status;
  if (signal == SIGKILL) {
    it->second->Signal(SIGKILL);
    status = it->second->Wait(absl::InfiniteDuration()).value_or(-1);
  } else {
    status = it->second->Stop(absl::Seconds(20));
  }
  it->second.reset();
  endpoints_.erase(service);
  return status;
}

pid_t LocalStack::pid(const std::string& service) const {
  if (service == "broker") return broker_ != nullptr && broker_->Running() ? broker_->pid() : 0;
  if (service == "prometheus") return prometheus_ != nullptr ? prometheus_->pid() : 0;
  auto it = services_.find(service);
  return it == services_.end() || it->second == nullptr ? 0 : it->second->pid();
}

std::string LocalStack::prometheus_url() const {
  return prometheus_ == nullptr ? "" : absl::StrCat("http://", prometheus_->address());
}

std::string LocalStack::gateway_url() const {
  const std::string http = endpoint("gateway").http;
  return http.empty() ? "" : absl::StrCat("http://", http);
}

Endpoint LocalStack::endpoint(const std::string& service) const {
  auto it = endpoints_.find(service);
  return it == endpoints_.end() ? Endpoint{} : it->second;
}

void LocalStack::Stop() {
  // Prometheus first: it would only record the services going down.
  options_.prometheus = false;  // not to be restarted by a later Supervise
  prometheus_.reset();
  for (auto it = Services().rbegin(); it != Services().rend(); ++it) StopService(*it, SIGTERM);
  if (broker_) {
    broker_->Stop(absl::Seconds(10));
    broker_.reset();
  }
  // Without the lock, the run files are another stack's (or nobody's): leave them.
  if (lock_fd_ < 0) return;
  std::error_code ec;
  std::filesystem::remove(RunFile(options_.data_dir, "broker"), ec);
  std::filesystem::remove(RunFile(options_.data_dir, "stack"), ec);
  std::filesystem::remove(RunFile(options_.data_dir, "prometheus"), ec);
  for (const std::string& service : Services()) {
    std::filesystem::remove(RunFile(options_.data_dir, service), ec);
  }
  // The lock file stays: removing it would let a waiting stack and a new one lock different files.
  close(lock_fd_);
  lock_fd_ = -1;
}

std::vector<std::string> LocalStack::Exited() {
  std::vector<std::string> exited;
  if (broker_ && !broker_->Running()) exited.push_back("broker");
  if (prometheus_ && !prometheus_->Running()) exited.push_back("prometheus");
  for (auto& [name, process] : services_) {
    if (process && !process->Running()) exited.push_back(name);
  }
  return exited;
}

LocalStack::~LocalStack() { Stop(); }

}  // namespace himaya::stack
