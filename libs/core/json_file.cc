#include "core/json_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace himaya::core {

absl::Status WriteJsonFile(const std::string& path, const nlohmann::json& value) {
  std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
    out << value.dump(2) << "\n";
    if (!out.flush()) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json value = nlohmann::json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return absl::DataLossError(absl::StrCat(path, " is not valid JSON"));
  return value;
}

}  // namespace himaya::core
