#include "output.h"

#include <algorithm>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, output, "table", "How commands print data: table or json");

namespace himaya::cli {

absl::StatusOr<OutputFormat> OutputFormatFromFlag() {
  const std::string value = absl::GetFlag(FLAGS_output);
  if (value == "table") return OutputFormat::kTable;
  if (value == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError("--output: table or json");
}

void PrintRows(OutputFormat format, const std::vector<std::string>& columns,
               const std::vector<std::vector<std::string>>& rows, const nlohmann::json& json_rows) {
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", json_rows.dump(2).c_str());
    return;
  }
  std::vector<size_t> width(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    width[c] = columns[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row.at(c).size());
  }
  auto print = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      absl::StrAppend(&line, cells[c], c + 1 < cells.size() ? std::string(width[c] - cells[c].size() + 2, ' ') : "");
    }
    std::printf("%s\n", line.c_str());
  };
  print(columns);
  for (const auto& row : rows) print(row);
}

}  // namespace himaya::cli
