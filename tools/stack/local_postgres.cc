#include "stack/local_postgres.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/ports.h"

namespace himaya::stack {
namespace {

absl::StatusOr<std::string> PostgresBinDir() {
  if (const char* dir = std::getenv("HIMAYA_PG_BIN")) return std::string(dir);
  std::string best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = entry.path().string() + "/bin";
    if (std::filesystem::exists(bin + "/initdb") && bin > best) best = bin;
  }
  if (best.empty()) {
    return absl::FailedPreconditionError(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: install the Debian "
        "package 'postgresql' (tools/install-deps does)");
  }
  return best;
}

std::string ServerUser() { return geteuid() == 0 ? "postgres" : ""; }

absl::Status RunToCompletion(const core::ProcessOptions& options, const std::string& what) {
  auto process = core::Subprocess::Start(options);
  if (!process.ok()) return process.status();
  std::optional<int> status = process->Wait(absl::Minutes(2));
  if (!status || *status != 0) {
    return absl::InternalError(absl::StrCat(what, " failed (", status ? core::DescribeWaitStatus(*status) : "timeout",
                                            "); see ", options.stderr_path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalPostgres>> LocalPostgres::Start(const std::string& dir,
                                                                    const std::vector<std::string>& settings) {
  auto bin = PostgresBinDir();
  if (!bin.ok()) return bin.status();
  std::unique_ptr<LocalPostgres> server(new LocalPostgres());
  server->dir_ = dir;
  const std::string& root = server->dir_;
  const std::string data = root + "/data";
  const std::string log = root + "/postgres.log";
  std::string user = ServerUser();
  if (!user.empty()) {
    const struct passwd* pw = getpwnam(user.c_str());
    if (pw == nullptr) {
      return absl::FailedPreconditionError(
          "running as root and no 'postgres' user exists: install the Debian package "
          "'postgresql'");
    }
    if (chown(root.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return absl::InternalError("cannot hand the test directory to the postgres user");
    }
  }
  absl::Status init = RunToCompletion(
      {.argv = {*bin + "/initdb", "-D", data, "-U", "himaya", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"},
       .stdout_path = log,
       .stderr_path = log,
       .run_as_user = user},
      "initdb");
  if (!init.ok()) return init;

  server->port_ = core::FreePort();
  std::vector<std::string> argv = {*bin + "/postgres",
                                   "-D",
                                   data,
                                   "-p",
                                   absl::StrCat(server->port_),
                                   "-k",
                                   root,
                                   "-c",
                                   "listen_addresses=127.0.0.1",
                                   "-c",
                                   "fsync=off",
                                   "-c",
                                   "synchronous_commit=off",
                                   "-c",
                                   "full_page_writes=off",
                                   "-c",
                                   "max_connections=200"};
  for (const std::string& setting : settings) {
    argv.push_back("-c");
    argv.push_back(setting);
  }
  auto process =
      core::Subprocess::Start({.argv = std::move(argv), .stdout_path = log, .stderr_path = log, .run_as_user = user});
  if (!process.ok()) return process.status();
  server->process_ = std::make_unique<core::Subprocess>(std::move(*process));

  const std::string ping = server->Uri("postgres");
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (PQping(ping.c_str()) != PQPING_OK) {
    if (!server->process_->Running()) {
      return absl::InternalError(absl::StrCat("postgres exited at start; see ", log));
    }
    if (absl::Now() > deadline) return absl::DeadlineExceededError("postgres did not start");
    absl::SleepFor(absl::Milliseconds(50));
  }
  return server;
}

LocalPostgres::~LocalPostgres() {
  // SIGINT is PostgreSQL's "fast shutdown".
  if (process_) {
    process_->Signal(SIGINT);
    if (!process_->Wait(absl::Seconds(20))) process_->Stop(absl::Seconds(1));
  }
}

std::string LocalPostgres::Uri(const std::string& name) const {
  return absl::StrCat("postgresql://himaya@127.0.0.1:", port_, "/", name);
}

absl::StatusOr<std::string> LocalPostgres::CreateDatabase(const std::string& name) {
  PGconn* conn = PQconnectdb(Uri("postgres").c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError(absl::StrCat("postgres: ", message));
  }
  std::string sql = absl::StrCat("CREATE DATABASE \"", name, "\"");
  PGresult* result = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!ok) return absl::InternalError(absl::StrCat("create database ", name, ": ", message));
  return Uri(name);
}

}  // namespace himaya::stack
