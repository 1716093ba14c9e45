#include "testing/kcat.h"

#include <fstream>
#include <iterator>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/process.h"
#include "testing/temp_dir.h"

namespace himaya::testing {
namespace {

// Reads `LENGTH:` then LENGTH bytes (none for -1) from `rest`, leaving `rest` after them.
bool ReadField(absl::string_view& rest, std::string& field) {
  size_t colon = rest.find(':');
  int64_t length = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, colon), &length) || length < -1) {
    return false;
  }
  rest.remove_prefix(colon + 1);
  if (length == -1) length = 0;  // null
  if (static_cast<size_t>(length) > rest.size()) return false;
  field = std::string(rest.substr(0, length));
  rest.remove_prefix(length);
  return true;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

absl::StatusOr<std::vector<KcatRecord>> ParseKcatOutput(absl::string_view output) {
  std::vector<KcatRecord> records;
  absl::string_view rest = output;
  while (!rest.empty()) {
    KcatRecord record;
    if (!ReadField(rest, record.key) || !ReadField(rest, record.value)) {
      return absl::DataLossError(absl::StrCat("kcat output of another shape after ", records.size(), " messages"));
    }
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<std::vector<KcatRecord>> ReadTopicWithKcat(const std::string& bootstrap, const std::string& topic,
                                                          absl::Duration timeout) {
  TempDir dir;
  const std::string out = dir.path() + "/kcat.out", err = dir.path() + "/kcat.err";
  absl::StatusOr<core::Subprocess> kcat = core::Subprocess::Start(
      {.argv = {"/usr/bin/kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", kKcatFormat},
       .stdout_path = out,
       .stderr_path = err});
  if (!kcat.ok()) {
    return absl::UnavailableError(absl::StrCat(kcat.status().message(), " (install the Debian package 'kcat')"));
  }
  std::optional<int> status = kcat->Wait(timeout);
  if (!status.has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat("kcat did not read ", topic, " in ", absl::FormatDuration(timeout)));
  }
  if (*status != 0) {
    return absl::UnavailableError(
        absl::StrCat("kcat ", core::DescribeWaitStatus(*status), " reading ", topic, ": ", ReadFile(err)));
  }
  return ParseKcatOutput(ReadFile(out));
}

}  // namespace himaya::testing
