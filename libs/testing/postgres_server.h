// A real PostgreSQL server for one test: initdb into a temporary directory, started on a free
// loopback port with Debian's binaries (/usr/lib/postgresql/<version>/bin, or HIMAYA_PG_BIN),
// stopped and removed at the end. As root, the server runs as the 'postgres' user.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/process.h"
#include "testing/temp_dir.h"

namespace himaya::testing {

class PostgresServer {
 public:
  // Initialises and starts a server; fails naming what is missing (binaries, user).
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();

  // Creates database `name` and returns its connection URI.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);
  // The connection URI of database `name` (which must exist).
  std::string Uri(const std::string& name) const;
  int port() const { return port_; }

 private:
  PostgresServer() = default;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<core::Subprocess> process_;
};

}  // namespace himaya::testing
