// The temporary directory a benchmark runs its stack in: /tmp/himaya-bench-XXXXXX, removed when
// the benchmark ends unless --keep.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/statusor.h"

ABSL_DECLARE_FLAG(bool, keep);

namespace himaya::cli {

class BenchDirectory {
 public:
  // A new directory. INTERNAL when none can be made.
  static absl::StatusOr<BenchDirectory> Make() {
    char pattern[] = "/tmp/himaya-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return absl::InternalError("mkdtemp: cannot make a directory in /tmp");
    return BenchDirectory(pattern);
  }
  BenchDirectory(BenchDirectory&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  BenchDirectory(const BenchDirectory&) = delete;
  BenchDirectory& operator=(const BenchDirectory&) = delete;
  ~BenchDirectory() {
    if (!path_.empty() && !absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(path_);
  }

  const std::string& path() const { return path_; }

 private:
  explicit BenchDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace himaya::cli
