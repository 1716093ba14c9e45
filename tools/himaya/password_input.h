// A password typed by the user of the CLI (a portal account's, an agent's): the first line of
// --password_file, or of standard input, typed without echo on a terminal. Never a flag's value,
// which any user sees in the process list. Defined in batch_commands.cc.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace himaya::cli {

// INVALID_ARGUMENT naming password_file when it cannot be read, or password when none is given.
// `prompt` is shown on a terminal only.
absl::StatusOr<std::string> ReadPassword(const char* prompt);

}  // namespace himaya::cli
