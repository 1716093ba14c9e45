#include "testing/temp_dir.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "gtest/gtest.h"

namespace himaya::testing {
namespace {

constexpr int kLogLinesShown = 40;

// Logs of the suite's own processes (DATA_DIR/logs/SERVICE.log, the broker's among them), which
// keep personal data out. Not Kannel's, which at its debug level hold phone numbers, message texts
// and the sendsms password, nor PostgreSQL's, whose errors may quote a row's values.
bool IsOwnLog(const std::filesystem::path& path) {
  return path.extension() == ".log" && path.parent_path().filename() == "logs";
}

// The last lines of those logs under `dir`, on stderr: a failed end-to-end test then says what its
// processes were doing, in CI's output too.
void ShowLogTails(const std::string& dir) {
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(
           dir, std::filesystem::directory_options::skip_permission_denied, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    std::error_code ignored;
    if (!it->is_regular_file(ignored) || !IsOwnLog(it->path())) continue;
    std::ifstream in(it->path());
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
      last.push_back(std::move(line));
      if (last.size() > kLogLinesShown) last.pop_front();
    }
    std::fprintf(stderr, "---- last %zu lines of %s\n", last.size(), it->path().c_str());
    for (const std::string& line : last) std::fprintf(stderr, "%s\n", line.c_str());
  }
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/himaya-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;  // moved from
  if (::testing::UnitTest::GetInstance()->current_test_info() != nullptr && ::testing::Test::HasFailure()) {
    ShowLogTails(path_);
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace himaya::testing
