// Secrets (the Kannel password, the delivery-report token) come from a file or the environment,
// never from a flag: a command line is visible to every user of the machine (ps, /proc) and ends
// up in shell histories and process listings.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::notification {

// The secret in `file` (its content, without trailing spaces and line ends) when `file` is not
// empty, else the value of the environment variable `env`, else nothing. `file_flag` names the
// flag in errors. INVALID_ARGUMENT when the file cannot be read or holds nothing.
absl::StatusOr<std::optional<std::string>> ReadSecret(absl::string_view file_flag, const std::string& file,
                                                      const std::string& env);

// A fresh random token (32 hexadecimal digits) from the system's secure generator.
std::string NewToken();

// Compares in time independent of where the texts differ.
bool SecretsEqual(absl::string_view a, absl::string_view b);

}  // namespace himaya::notification
