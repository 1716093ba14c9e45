#include "stack/local_kannel.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/ports.h"

namespace himaya::stack {

absl::StatusOr<std::unique_ptr<LocalKannel>> LocalKannel::Start(const std::string& dir,
                                                                const std::string& denied_prefix) {
  for (const char* binary : {"/usr/sbin/bearerbox", "/usr/sbin/smsbox"}) {
    if (!std::filesystem::exists(binary)) {
      return absl::FailedPreconditionError(absl::StrCat(binary, " is missing: install the Debian package 'kannel'"));
    }
  }
  const std::string fakesmsc = "/usr/lib/kannel/test/fakesmsc";
  if (!std::filesystem::exists(fakesmsc)) {
    return absl::FailedPreconditionError("fakesmsc is missing: install the Debian package 'kannel-extras'");
  }
  std::unique_ptr<LocalKannel> k(new LocalKannel());
  k->dir_ = dir;
  const int admin = core::FreePort(), box = core::FreePort(), smsc = core::FreePort();
  k->sendsms_port_ = core::FreePort();
  const std::string conf = dir + "/kannel.conf";
  {
    std::ofstream out(conf);
    out << "group = core\nadmin-port = " << admin << "\nadmin-password = \"" << k->password() << "\"\n"
        << "smsbox-port = " << box << "\nlog-file = \"" << dir << "/bearerbox.log\"\nlog-level = 0\n"
        << "box-allow-ip = \"127.0.0.1\"\ndlr-storage = internal\n\n"
        << "group = smsc\nsmsc = fake\nsmsc-id = fake\nport = " << smsc << "\n"
        << "connect-allow-ip = \"127.0.0.1\"\n"
        << (denied_prefix.empty() ? "" : "denied-prefix = \"" + denied_prefix + "\"\n") << "\n"
        << "group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = " << box << "\n"
        << "sendsms-port = " << k->sendsms_port_ << "\nlog-file = \"" << dir << "/smsbox.log\"\nlog-level = 0\n\n"
        << "group = sendsms-user\nusername = " << k->username() << "\npassword = \"" << k->password() << "\"\n"
        << "max-messages = 5\nconcatenation = true\n";
  }
  auto start = [&](std::vector<std::string> argv, const std::string& log) -> absl::Status {
    auto p = core::Subprocess::Start({.argv = std::move(argv), .stdout_path = log, .stderr_path = log});
    if (!p.ok()) return p.status();
    k->processes_.push_back(std::make_unique<core::Subprocess>(std::move(*p)));
    return absl::OkStatus();
  };
  if (auto s = start({"/usr/sbin/bearerbox", conf}, dir + "/bearerbox.out"); !s.ok()) return s;
  absl::SleepFor(absl::Milliseconds(300));
  if (auto s = start({"/usr/sbin/smsbox", conf}, dir + "/smsbox.out"); !s.ok()) return s;
  // The fake network stays connected (one keep-alive message an hour) and logs what it gets.
  if (auto s = start({fakesmsc, "-H", "127.0.0.1", "-r", absl::StrCat(smsc), "-i", "3600", "-m", "2",
                      "0600000000 1000 text keepalive"},
                     dir + "/fakesmsc.out");
      !s.ok()) {
    return s;
  }
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  httplib::Client probe("127.0.0.1", k->sendsms_port_);
  while (!probe.Get("/cgi-bin/sendsms")) {
    if (absl::Now() > deadline) return absl::DeadlineExceededError("smsbox did not start; see " + dir);
    absl::SleepFor(absl::Milliseconds(100));
  }
  return k;
}

LocalKannel::~LocalKannel() {
  for (auto it = processes_.rbegin(); it != processes_.rend(); ++it) (*it)->Stop(absl::Seconds(5));
}

std::string LocalKannel::sendsms_url() const {
  return absl::StrCat("http://127.0.0.1:", sendsms_port_, "/cgi-bin/sendsms");
}

std::vector<std::string> LocalKannel::ReceivedMessages() const {
  std::vector<std::string> out;
  std::ifstream in(dir_ + "/fakesmsc.out");
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find("Got message ");
    if (at == std::string::npos) continue;
    size_t open = line.find('<', at), close = line.rfind('>');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string message = line.substr(open + 1, close - open - 1);
    if (!absl::StartsWith(message, "1000 0600000000")) out.push_back(message);  // not the keep-alive's reply
  }
  return out;
}

}  // namespace himaya::stack
