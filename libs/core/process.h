// Child processes: the local stack (`himaya up`) and the tests start the suite's real
// binaries, PostgreSQL and the embedded broker through this class.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace himaya::core {

struct ProcessOptions {
  // argv[0] is the program's path.
  std::vector<std::string> argv;
  // Added to (or replacing in) the parent's environment.
  std::map<std::string, std::string> env;
  // Files that receive the child's standard output and error (appended); empty: inherited.
  std::string stdout_path;
  std::string stderr_path;
  // When set (and running as root), the child runs as this user (PostgreSQL refuses root).
  std::string run_as_user;
  std::string working_dir;
};

// A started child, leading its own process group: signals go to the group, so that processes
// the child starts end with it. The child receives SIGKILL if the thread that started it ends,
// so that a crashed test or CLI leaves no orphans. Destroying a running Subprocess stops it.
class Subprocess {
 public:
  // Starts the child. Fails when the program cannot be executed.
  static absl::StatusOr<Subprocess> Start(const ProcessOptions& options);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  // Sends `signal` to the child's process group.
  void Signal(int signal);
  // True while the child has not exited.
  bool Running();
  // Waits up to `timeout` for the child to exit; returns its wait status (as waitpid) or
  // nullopt if it is still running.
  std::optional<int> Wait(absl::Duration timeout);
  // SIGTERM, then SIGKILL after `grace`. Returns the wait status.
  int Stop(absl::Duration grace = absl::Seconds(10));

 private:
  Subprocess(pid_t pid, std::string name) : pid_(pid), name_(std::move(name)) {}
  pid_t pid_ = -1;
  std::string name_;
  std::optional<int> exit_status_;
};

// Returns "exited with code N" or "killed by signal N" for a wait status.
std::string DescribeWaitStatus(int status);

}  // namespace himaya::core
