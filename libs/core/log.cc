#include "core/log.h"

#include <atomic>
#include <iostream>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace himaya::log {
namespace {

struct LogState {
  absl::Mutex mu;
  std::string service ABSL_GUARDED_BY(mu) = "himaya";
  std::ostream* sink ABSL_GUARDED_BY(mu) = nullptr;
  std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
};

LogState& State() {
  static LogState* const state = new LogState();
  return *state;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

std::string Pii::Masked() const {
  const size_t n = value_.size();
  size_t keep = 0;
  if (n >= 8) {
    keep = 2;
  } else if (n >= 4) {
    keep = 1;
  }
  std::string out = value_.substr(0, keep);
  out.append(n - 2 * keep, '*');
  out.append(value_.substr(n - keep));
  return out;
}

void SetService(absl::string_view service) {
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  state.service = std::string(service);
}

void SetMinLevel(Level level) { State().min_level = static_cast<int>(level); }

bool ParseLevel(absl::string_view text, Level* level) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

void SetSinkForTesting(std::ostream* sink) {
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  state.sink = sink;
}

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  LogState& state = State();
  if (static_cast<int>(level) < state.min_level.load(std::memory_order_relaxed)) return;
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  {
    absl::MutexLock lock(&state.mu);
    line["service"] = state.service;
  }
  line["msg"] = std::string(msg);
  for (const Field& field : fields) {
    std::string key(field.key);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, Pii>) {
            line[key] = v.Masked();
          } else {
            line[key] = v;
          }
        },
        field.value);
  }
  // Invalid UTF-8 is replaced rather than thrown on: a log line must never take a process down.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  absl::MutexLock lock(&state.mu);
  std::ostream& out = state.sink != nullptr ? *state.sink : std::cerr;
  out << text;
  out.flush();
}

}  // namespace himaya::log
