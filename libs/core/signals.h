// Termination signals handled synchronously: main blocks SIGINT and SIGTERM before it starts
// any thread (so every thread inherits the mask), then waits for one where it chooses to.
#pragma once

#include "absl/time/time.h"

namespace himaya::core {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and the threads it starts later.
void BlockTerminationSignals();

// Waits up to `timeout` for a blocked termination signal; returns it, or 0 on timeout.
int WaitForTerminationSignal(absl::Duration timeout = absl::InfiniteDuration());

}  // namespace himaya::core
