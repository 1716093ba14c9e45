// Command-line flags (Abseil) with environment fallback: every flag --name may also be given
// as the variable HIMAYA_NAME (upper case); the command line wins over the environment.
// Services read flags once, in main, into immutable configuration structs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace himaya::core {

// Applies HIMAYA_* variables, then parses argv. Returns the positional arguments (argv[0]
// excluded). Exits the process with a one-line error when a flag or variable is malformed.
std::vector<std::string> ParseFlags(int argc, char** argv, absl::string_view usage);

// Returns the environment variable that stands for flag `flag_name` (e.g. "grpc_address" ->
// "HIMAYA_GRPC_ADDRESS").
std::string FlagEnvironmentVariable(absl::string_view flag_name);

// Sets flags from HIMAYA_* variables of the environment. Fails naming the variable when a value
// does not parse.
absl::Status ApplyEnvironmentToFlags();

}  // namespace himaya::core
