#include "core/signals.h"

#include <signal.h>

#include <cerrno>
#include <ctime>

namespace himaya::core {
namespace {
sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}
}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal(absl::Duration timeout) {
  sigset_t set = TerminationSignals();
  while (true) {
    int r;
    if (timeout == absl::InfiniteDuration()) {
      int sig = 0;
      r = sigwait(&set, &sig) == 0 ? sig : -1;
    } else {
      timespec ts = absl::ToTimespec(timeout);
      r = sigtimedwait(&set, nullptr, &ts);
      if (r < 0 && errno == EAGAIN) return 0;
    }
    if (r > 0) return r;
    if (errno != EINTR) return 0;
  }
}

}  // namespace himaya::core
