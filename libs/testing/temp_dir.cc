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

// The last lines of every log under `dir` (a stack's services, the broker, PostgreSQL), on stderr:
// a failed end-to-end test then says what its processes were doing, in CI's output too.
void ShowLogTails(const std::string& dir) {
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error) || it->path().extension() != ".log") continue;
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
