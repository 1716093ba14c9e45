// An HTTP load driven by wrk (Debian's `wrk`, installed by tools/install-deps): its run with
// headers of our own (a session cookie) added by a small Lua script, and its report read back
// (`--latency`: the rate, p50 and p99, the answers other than 2xx or 3xx, socket errors).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "load_figures.h"

namespace himaya::cli {

struct WrkLoad {
  // http://HOST:PORT/PATH
  std::string url;
  // Sent with every request, e.g. {"Cookie", "himaya_session=..."}.
  std::vector<std::pair<std::string, std::string>> headers;
  // Connections open at once (the concurrency); wrk's threads are at most this many.
  int connections = 8;
  int threads = 2;
  absl::Duration duration = absl::Seconds(10);
  // Where the Lua script and wrk's output are written (mode 0600: a header may hold a secret).
  std::string work_dir;
};

// The Lua script setting `headers` on wrk's requests. INVALID_ARGUMENT for a name or value
// holding a control character.
absl::StatusOr<std::string> WrkHeadersScript(const std::vector<std::pair<std::string, std::string>>& headers);

// What wrk printed with --latency. `requests` counts the 2xx and 3xx answers, `failures` the
// others and the socket errors. INVALID_ARGUMENT naming the line missing or unreadable.
absl::StatusOr<LoadFigures> ParseWrkReport(absl::string_view report);

// Runs wrk on `load` and reads its report. FAILED_PRECONDITION when wrk is not installed;
// INTERNAL when it fails (with what it said).
absl::StatusOr<LoadFigures> RunWrk(const WrkLoad& load);

}  // namespace himaya::cli
