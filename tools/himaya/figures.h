// The press conference's table read live from Prometheus's recording rules: `himaya figures`,
// and the last step of `himaya demo --prometheus`.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "output.h"

namespace himaya::cli {

// Prints each figure by `by` (program, category or region) with its total, as a table or JSON,
// from the Prometheus server at HOST:PORT. UNAVAILABLE when it does not answer.
absl::Status PrintFigures(const std::string& address, const std::string& by, OutputFormat format);

}  // namespace himaya::cli
