// Loopback ports for processes started by tests, benchmarks and local stacks.
#pragma once

namespace himaya::core {

// Returns a TCP port on 127.0.0.1 that was free a moment ago (bound, read, released); 0 when
// none could be had.
int FreePort();

}  // namespace himaya::core
