// How every himaya command reports an error: one line on standard error, exit code 1.
#pragma once

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace himaya::cli {

inline int Fail(const std::string& message) {
  std::fprintf(stderr, "himaya: %s\n", message.c_str());
  return 1;
}

inline int Fail(const absl::Status& status) {
  return Fail(absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message()));
}

// A failed call to a service as one line; a rule's refusal (FAILED_PRECONDITION, its message
// starting with the rule's reason code) says it was refused.
inline int FailCall(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kFailedPrecondition) {
    return Fail(absl::StrCat("refused: ", status.message()));
  }
  return Fail(status);
}

}  // namespace himaya::cli
