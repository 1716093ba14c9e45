// Structured logging: one JSON object per line on standard error, with the service's name.
// Personal data (CIN, phone, names) is wrapped in Pii and only ever written masked:
//
//   log::Info("person registered", {{"registration_number", number}, {"cin", log::Pii(cin)}});
//   -> {"ts":"...","level":"info","service":"registration","msg":"person registered",
//       "registration_number":"100000017","cin":"BK****56"}
#pragma once

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace himaya::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// A value that identifies a person. It keeps its first two and last two characters (one and
// one when short, nothing when very short) and masks the rest.
class Pii {
 public:
  explicit Pii(absl::string_view value) : value_(value) {}
  // Returns the masked text; the clear value never leaves this object.
  std::string Masked() const;

 private:
  std::string value_;
};

struct Field {
  using Value = std::variant<std::string, int64_t, double, bool, Pii>;
  Field(absl::string_view k, const char* v) : key(k), value(std::string(v)) {}
  Field(absl::string_view k, absl::string_view v) : key(k), value(std::string(v)) {}
  Field(absl::string_view k, const std::string& v) : key(k), value(v) {}
  Field(absl::string_view k, int v) : key(k), value(int64_t{v}) {}
  Field(absl::string_view k, long v) : key(k), value(int64_t{v}) {}
  Field(absl::string_view k, long long v) : key(k), value(int64_t{v}) {}
  Field(absl::string_view k, unsigned v) : key(k), value(int64_t{v}) {}
  Field(absl::string_view k, unsigned long v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, double v) : key(k), value(v) {}
  Field(absl::string_view k, bool v) : key(k), value(v) {}
  Field(absl::string_view k, Pii v) : key(k), value(std::move(v)) {}
  Field(absl::string_view k, const absl::Status& s) : key(k), value(s.ToString()) {}
  absl::string_view key;
  Value value;
};

// Sets the name written in every line (once, at start).
void SetService(absl::string_view service);
// Lines below `level` are dropped.
void SetMinLevel(Level level);
// Parses "debug", "info", "warning" or "error"; false when unknown.
bool ParseLevel(absl::string_view text, Level* level);
// Redirects output (tests); nullptr restores standard error. Not thread-safe against logging.
void SetSinkForTesting(std::ostream* sink);

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields);
inline void Debug(absl::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kDebug, msg, fields);
}
inline void Info(absl::string_view msg, std::initializer_list<Field> fields = {}) { Write(Level::kInfo, msg, fields); }
inline void Warn(absl::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarning, msg, fields);
}
inline void Error(absl::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, msg, fields);
}

}  // namespace himaya::log
