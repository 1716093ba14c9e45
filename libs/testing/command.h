// A command run to its end by a test: its exit code and what it wrote on standard output and
// error, each kept in a file under the test's directory while it runs.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "core/process.h"

namespace himaya::testing {

struct CommandRun {
  // The exit code; -1 when it could not start, was killed, or outlived the timeout.
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `options.argv` to its end (its stdout_path and stderr_path are set here: files named
// `<output_prefix>.out` and `.err`). Stopped after `timeout`.
CommandRun RunCommand(core::ProcessOptions options, const std::string& output_prefix, absl::Duration timeout);

// The whole content of a file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

}  // namespace himaya::testing
