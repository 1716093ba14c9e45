#include "wrk_load.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/process.h"
#include "core/status_macros.h"

namespace himaya::cli {
namespace {

// A Lua string literal of `text` (no control characters).
absl::StatusOr<std::string> LuaString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("wrk: a header holds a control character");
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// "2.58ms" -> 2.58; wrk prints us, ms, s, m and h.
std::optional<double> Milliseconds(absl::string_view text) {
  struct Unit {
    absl::string_view suffix;
    double ms;
  };
  for (const Unit& unit : {Unit{"us", 0.001}, Unit{"ms", 1}, Unit{"s", 1000}, Unit{"m", 60000}, Unit{"h", 3600000}}) {
    absl::string_view number = text;
    double value = 0;
    if (absl::ConsumeSuffix(&number, unit.suffix) && absl::SimpleAtod(number, &value) && value >= 0) {
      return value * unit.ms;
    }
  }
  return std::nullopt;
}

// The number after `label` on a line of the report, e.g. "Requests/sec:" or "Non-2xx or 3xx responses:".
std::optional<absl::string_view> After(absl::string_view line, absl::string_view label) {
  if (!absl::ConsumePrefix(&line, label)) return std::nullopt;
  return absl::StripAsciiWhitespace(line);
}

absl::StatusOr<std::string> FindOnPath(absl::string_view program) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/usr/bin:/bin", ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return absl::FailedPreconditionError(absl::StrCat(program, " is not installed (tools/install-deps installs it)"));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

absl::StatusOr<std::string> WrkHeadersScript(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string script = "-- Written by himaya bench: the headers of every request.\n";
  for (const auto& [name, value] : headers) {
    ASSIGN_OR_RETURN(std::string quoted_name, LuaString(name));
    ASSIGN_OR_RETURN(std::string quoted_value, LuaString(value));
    absl::StrAppend(&script, "wrk.headers[", quoted_name, "] = ", quoted_value, "\n");
  }
  return script;
}

absl::StatusOr<LoadFigures> ParseWrkReport(absl::string_view report) {
  LoadFigures figures;
  std::optional<double> p50, p99, rate;
  std::optional<int64_t> total;
  int64_t refused = 0;
  for (absl::string_view raw : absl::StrSplit(report, '\n')) {
    const absl::string_view line = absl::StripAsciiWhitespace(raw);
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.size() == 2 && (words[0] == "50%" || words[0] == "99%")) {
      std::optional<double> ms = Milliseconds(words[1]);
      if (!ms) return absl::InvalidArgumentError(absl::StrCat("wrk's report: unreadable latency line: ", line));
      (words[0] == "50%" ? p50 : p99) = ms;
    } else if (words.size() >= 3 && words[1] == "requests" && words[2] == "in") {
      int64_t n = 0;
      if (!absl::SimpleAtoi(words[0], &n)) return absl::InvalidArgumentError(absl::StrCat("wrk's report: ", line));
      total = n;
    } else if (auto value = After(line, "Requests/sec:")) {
      double r = 0;
      if (!absl::SimpleAtod(*value, &r)) return absl::InvalidArgumentError(absl::StrCat("wrk's report: ", line));
      rate = r;
    } else if (auto value = After(line, "Non-2xx or 3xx responses:")) {
      int64_t n = 0;
      if (!absl::SimpleAtoi(*value, &n)) return absl::InvalidArgumentError(absl::StrCat("wrk's report: ", line));
      refused = n;
      figures.failures += n;
      figures.first_failure = absl::StrCat(n, " answers other than 2xx or 3xx");
    } else if (auto value = After(line, "Socket errors:")) {
      // connect 0, read 0, write 0, timeout 0
      int64_t errors = 0;
      for (absl::string_view part : absl::StrSplit(*value, ',')) {
        std::vector<absl::string_view> kv = absl::StrSplit(part, ' ', absl::SkipEmpty());
        int64_t n = 0;
        if (kv.size() != 2 || !absl::SimpleAtoi(kv[1], &n)) {
          return absl::InvalidArgumentError(absl::StrCat("wrk's report: ", line));
        }
        errors += n;
      }
      figures.failures += errors;
      if (figures.first_failure.empty() && errors > 0) figures.first_failure = absl::StrCat("socket errors: ", *value);
    }
  }
  if (!total) return absl::InvalidArgumentError("wrk's report: no \"N requests in\" line");
  if (!rate) return absl::InvalidArgumentError("wrk's report: no Requests/sec line");
  if (!p50 || !p99) return absl::InvalidArgumentError("wrk's report: no latency distribution (run with --latency)");
  figures.requests = std::max<int64_t>(0, *total - refused);
  // wrk's rate counts every answer; the rate of the expected ones is the same share of it.
  figures.per_second = *total > 0 ? *rate * static_cast<double>(figures.requests) / static_cast<double>(*total) : 0;
  figures.p50_ms = *p50;
  figures.p99_ms = *p99;
  return figures;
}

absl::StatusOr<LoadFigures> RunWrk(const WrkLoad& load) {
  ASSIGN_OR_RETURN(std::string wrk, FindOnPath("wrk"));
  ASSIGN_OR_RETURN(std::string script, WrkHeadersScript(load.headers));
  const std::string script_path = load.work_dir + "/wrk-headers.lua";
  {
    const mode_t old_mask = umask(077);
    std::ofstream out(script_path, std::ios::trunc);
    out << script;
    umask(old_mask);
    if (!out.good()) return absl::InternalError(absl::StrCat("wrk: cannot write ", script_path));
  }
  const int connections = std::max(1, load.connections);
  const int threads = std::clamp(load.threads, 1, connections);
  core::ProcessOptions options;
  options.argv = {wrk,
                  absl::StrCat("--threads=", threads),
                  absl::StrCat("--connections=", connections),
                  absl::StrCat("--duration=", std::max<int64_t>(1, absl::ToInt64Seconds(load.duration)), "s"),
                  "--timeout=10s",
                  "--latency",
                  absl::StrCat("--script=", script_path),
                  load.url};
  options.stdout_path = load.work_dir + "/wrk.out";
  options.stderr_path = load.work_dir + "/wrk.err";
  std::remove(options.stdout_path.c_str());
  std::remove(options.stderr_path.c_str());
  ASSIGN_OR_RETURN(core::Subprocess process, core::Subprocess::Start(options));
  std::optional<int> status = process.Wait(load.duration + absl::Seconds(60));
  if (!status) {
    process.Stop(absl::Seconds(1));
    return absl::InternalError("wrk: did not finish within a minute of its duration");
  }
  const std::string report = ReadFile(options.stdout_path);
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(absl::StrCat("wrk ", core::DescribeWaitStatus(*status), ": ",
                                            absl::StripAsciiWhitespace(ReadFile(options.stderr_path)), " ",
                                            absl::StripAsciiWhitespace(report)));
  }
  return ParseWrkReport(report);
}

}  // namespace himaya::cli
