// How CLI commands print data: a readable table by default, JSON with --output=json.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace himaya::cli {

enum class OutputFormat { kTable, kJson };

// The --output flag. INVALID_ARGUMENT for anything but "table" or "json".
absl::StatusOr<OutputFormat> OutputFormatFromFlag();

// Rows of text under `columns`, as aligned columns, or as a JSON array of objects (each value
// taken from `json_rows`, which keep numbers as numbers).
void PrintRows(OutputFormat format, const std::vector<std::string>& columns,
               const std::vector<std::vector<std::string>>& rows, const nlohmann::json& json_rows);

}  // namespace himaya::cli
