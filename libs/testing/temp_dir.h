// A temporary directory removed (with its contents) when the object goes away. When the test
// that made it has failed, the suite's logs it holds are shown first (their last lines, on stderr).
#pragma once

#include <string>

#include "core/ports.h"

namespace himaya::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using core::FreePort;

}  // namespace himaya::testing
