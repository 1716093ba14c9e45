#include "core/process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace himaya::core {
namespace {

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(const ProcessOptions& options, char* const* argv, char* const* envp,
                            const struct passwd* user, int error_pipe) {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);  // the parent may block termination signals
  setpgid(0, 0);                            // its own process group, so that signals reach whatever it starts too
  if (!options.stdout_path.empty()) {
    int fd = open(options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) dup2(fd, STDOUT_FILENO);
  }
  if (!options.stderr_path.empty()) {
    int fd = open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) dup2(fd, STDERR_FILENO);
  }
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  if (user != nullptr) {
    if (setgroups(0, nullptr) != 0 || setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0) {
      int err = errno;
      (void)!write(error_pipe, &err, sizeof(err));
      _exit(127);
    }
  }
  // After any change of credentials, which would clear it.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) {
    int err = errno;
    (void)!write(error_pipe, &err, sizeof(err));
    _exit(127);
  }
  execve(argv[0], argv, envp);
  int err = errno;
  (void)!write(error_pipe, &err, sizeof(err));
  _exit(127);
}

}  // namespace

absl::StatusOr<Subprocess> Subprocess::Start(const ProcessOptions& options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("process: empty argv");
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  std::map<std::string, std::string> env_map;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env_map[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : options.env) env_map[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env_map) env_strings.push_back(absl::StrCat(k, "=", v));
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  const struct passwd* user = nullptr;
  if (!options.run_as_user.empty() && geteuid() == 0) {
    user = getpwnam(options.run_as_user.c_str());
    if (user == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("process: no user '", options.run_as_user, "'"));
    }
  }

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("process: pipe: ", std::strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::InternalError(absl::StrCat("process: fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    close(pipe_fds[0]);
    ExecChild(options, argv.data(), envp.data(), user, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(pipe_fds[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(pipe_fds[0]);
  if (n == sizeof(child_errno)) {
    int status;
    waitpid(pid, &status, 0);
    return absl::FailedPreconditionError(
        absl::StrCat("process: cannot start ", options.argv[0], ": ", std::strerror(child_errno)));
  }
  std::string name = options.argv[0].substr(options.argv[0].find_last_of('/') + 1);
  return Subprocess(pid, name);
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(other.pid_), name_(std::move(other.name_)), exit_status_(other.exit_status_) {
  other.pid_ = -1;
}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !exit_status_) Stop(absl::Seconds(5));
    pid_ = other.pid_;
    name_ = std::move(other.name_);
    exit_status_ = other.exit_status_;
    other.pid_ = -1;
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exit_status_) Stop(absl::Seconds(5));
}

void Subprocess::Signal(int signal) {
  // The whole group the child leads; after the child is reaped, what it left in the group.
  if (pid_ > 0) kill(-pid_, signal);
}

bool Subprocess::Running() { return !Wait(absl::ZeroDuration()).has_value(); }

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  if (exit_status_) return exit_status_;
  if (pid_ <= 0) return -1;
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = status;
      return exit_status_;
    }
    if (r < 0 && errno != EINTR) {
      exit_status_ = -1;
      return exit_status_;
    }
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

int Subprocess::Stop(absl::Duration grace) {
  Signal(SIGTERM);
  std::optional<int> status = Wait(grace);
  if (!status) {
    Signal(SIGKILL);
    status = Wait(absl::InfiniteDuration());
  } else {
    Signal(SIGKILL);  // anything of the group that ignored SIGTERM
  }
  return *status;
}

std::string DescribeWaitStatus(int status) {
  if (status >= 0 && WIFEXITED(status)) return absl::StrCat("exited with code ", WEXITSTATUS(status));
  if (status >= 0 && WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return "ended";
}

}  // namespace himaya::core
