// A temporary directory removed (with its contents) when the object goes away.
#pragma once

#include <string>

namespace himaya::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Returns a TCP port on 127.0.0.1 that was free a moment ago (bound, read, released).
int FreePort();

}  // namespace himaya::testing
