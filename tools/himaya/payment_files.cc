#include "payment_files.h"

#include <optional>
#include <vector>

#include "liaison/csv_stream.h"

namespace himaya::cli {

absl::StatusOr<std::string> RunOfConfirmation(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::optional<size_t> column;
  std::string run_id;
  const absl::Status found = absl::CancelledError("found");
  liaison::CsvStream csv([&](std::vector<std::string>& fields) -> absl::Status {
    if (!column) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "run_id") column = i;
      }
      if (!column) return absl::InvalidArgumentError(absl::StrCat(path, ": no run_id column in the header"));
      return absl::OkStatus();
    }
    if (*column < fields.size()) run_id = fields[*column];
    return found;
  });
  std::vector<char> buffer(64 * 1024);
  absl::Status status;
  while (status.ok() && (in.read(buffer.data(), buffer.size()) || in.gcount() > 0)) {
    status = csv.Feed(absl::string_view(buffer.data(), in.gcount()));
  }
  if (status.ok()) status = csv.Finish();
  if (!status.ok() && status != found) return status;
  if (run_id.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no line names its run_id"));
  return run_id;
}

}  // namespace himaya::cli
