// A real PostgreSQL server on this machine, for tests, benchmarks and local stacks: initdb into
// a directory the caller owns, started on a free loopback port with Debian's binaries
// (/usr/lib/postgresql/<version>/bin, or HIMAYA_PG_BIN), stopped when the object goes. As root,
// the server runs as the 'postgres' user. Tuned for throwaway data (no fsync).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/process.h"

namespace himaya::stack {

class LocalPostgres {
 public:
  // Initialises a cluster under `dir` (which must exist and be empty) and starts it; fails naming
  // what is missing (binaries, user). `settings` are more server settings ("name=value"), such
  // as a library to preload.
  static absl::StatusOr<std::unique_ptr<LocalPostgres>> Start(const std::string& dir,
                                                              const std::vector<std::string>& settings = {});
  ~LocalPostgres();

  // Creates database `name` and returns its connection URI.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);
  // The connection URI of database `name` (which must exist).
  std::string Uri(const std::string& name) const;
  int port() const { return port_; }

 private:
  LocalPostgres() = default;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<core::Subprocess> process_;
};

}  // namespace himaya::stack
