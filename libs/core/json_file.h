// Small JSON files that processes use to find each other: a service writes its listening
// addresses once it serves, the broker its bootstrap servers; the CLI and tests read them.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace himaya::core {

// Writes `value` to `path` atomically (a temporary file renamed over it).
absl::Status WriteJsonFile(const std::string& path, const nlohmann::json& value);

// Reads and parses `path`. NOT_FOUND when absent; DATA_LOSS when not valid JSON.
absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path);

}  // namespace himaya::core
