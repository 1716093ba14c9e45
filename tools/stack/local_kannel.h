// A real Kannel SMS gateway on this machine, for tests and benchmarks: bearerbox and smsbox
// from Debian's kannel package with a fake SMSC, and kannel-extras' fakesmsc connected to it as
// the "phone network". Messages to numbers starting with +2127 are refused by the route (a
// failure path with a real report).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/process.h"

namespace himaya::stack {

class LocalKannel {
 public:
  // Writes a configuration under `dir`, starts the three processes on free loopback ports and
  // waits until smsbox answers. FAILED_PRECONDITION naming the package when a binary is missing.
  // `denied_prefix`: numbers the route refuses ("" for none).
  static absl::StatusOr<std::unique_ptr<LocalKannel>> Start(const std::string& dir,
                                                            const std::string& denied_prefix = "+2127");
  ~LocalKannel();

  std::string sendsms_url() const;
  std::string username() const { return "himaya"; }
  std::string password() const { return "test-secret"; }
  // What the fake network received: one "sender receiver type text" per message.
  std::vector<std::string> ReceivedMessages() const;

 private:
  LocalKannel() = default;
  std::string dir_;
  int sendsms_port_ = 0;
  std::vector<std::unique_ptr<core::Subprocess>> processes_;
};

}  // namespace himaya::stack
