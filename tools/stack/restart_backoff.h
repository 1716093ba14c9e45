// How long the local stack waits before restarting a crashed service, as Kubernetes does for a
// crashing container: a short first delay that doubles with each crash in a row, up to a cap,
// and starts over once the service has stayed up a while.
#pragma once

#include <algorithm>

#include "absl/time/time.h"

namespace himaya::stack {

struct BackoffPolicy {
  absl::Duration first = absl::Milliseconds(500);
  absl::Duration max = absl::Seconds(30);
  // A service up at least this long before it exited is taken as healthy: the delay starts over.
  absl::Duration healthy_after = absl::Seconds(60);
};

class RestartBackoff {
 public:
  explicit RestartBackoff(BackoffPolicy policy = {}) : policy_(policy), next_(policy.first) {}

  // The delay before the next start of a service that exited after running for `uptime`.
  absl::Duration AfterExit(absl::Duration uptime) {
    if (uptime >= policy_.healthy_after) next_ = policy_.first;
    absl::Duration delay = next_;
    next_ = std::min(next_ * 2, policy_.max);
    return delay;
  }

 private:
  BackoffPolicy policy_;
  absl::Duration next_;
};

}  // namespace himaya::stack
