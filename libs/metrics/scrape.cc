#include "metrics/scrape.h"

#include <httplib.h>

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "prometheus/text_serializer.h"

namespace himaya::metrics {
namespace {

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == ':'; }

bool ParseValue(absl::string_view text, double* value) {
  if (text == "+Inf" || text == "Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    *value = std::nan("");
    return true;
  }
  return absl::SimpleAtod(text, value);
}

// Reads `{label="value",...}` at the start of `rest` into `labels`, leaving `rest` after it.
bool ParseLabels(absl::string_view& rest, MetricLabels& labels) {
  rest.remove_prefix(1);  // '{'
  for (;;) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (!rest.empty() && rest[0] == '}') {
      rest.remove_prefix(1);
      return true;
    }
    size_t eq = rest.find('=');
    if (eq == absl::string_view::npos) return false;
    std::string label(absl::StripAsciiWhitespace(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    if (label.empty() || rest.empty() || rest[0] != '"') return false;
    rest.remove_prefix(1);
    std::string value;
    bool closed = false;
    while (!rest.empty() && !closed) {
      char c = rest[0];
      rest.remove_prefix(1);
      if (c == '"') {
        closed = true;
      } else if (c == '\\' && !rest.empty()) {
        char escaped = rest[0];
        rest.remove_prefix(1);
        value.push_back(escaped == 'n' ? '\n' : escaped);
      } else {
        value.push_back(c);
      }
    }
    if (!closed) return false;
    labels[label] = std::move(value);
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (!rest.empty() && rest[0] == ',') rest.remove_prefix(1);
  }
}

}  // namespace

absl::StatusOr<std::vector<MetricSample>> ParseMetrics(absl::string_view exposition) {
  std::vector<MetricSample> samples;
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto malformed = [&] { return absl::InvalidArgumentError(absl::StrCat("metrics: cannot read '", line, "'")); };
    MetricSample sample;
    size_t name_end = 0;
    while (name_end < line.size() && IsNameChar(line[name_end])) ++name_end;
    if (name_end == 0) return malformed();
    sample.name = std::string(line.substr(0, name_end));
    absl::string_view rest = line.substr(name_end);
    if (!rest.empty() && rest[0] == '{' && !ParseLabels(rest, sample.labels)) return malformed();
    std::vector<absl::string_view> fields = absl::StrSplit(rest, ' ', absl::SkipEmpty());
    // The value, then an optional timestamp.
    if (fields.empty() || fields.size() > 2 || !ParseValue(fields[0], &sample.value)) return malformed();
    samples.push_back(std::move(sample));
  }
  return samples;
}

double SumSamples(const std::vector<MetricSample>& samples, absl::string_view name, const MetricLabels& labels) {
  double total = 0;
  for (const MetricSample& sample : samples) {
    if (sample.name != name) continue;
    bool matches = true;
    for (const auto& [label, value] : labels) {
      auto it = sample.labels.find(label);
      matches = matches && it != sample.labels.end() && it->second == value;
    }
    if (matches) total += sample.value;
  }
  return total;
}

double RegistrySum(prometheus::Registry& registry, absl::string_view name, const MetricLabels& labels) {
  const std::string exposition = prometheus::TextSerializer().Serialize(registry.Collect());
  absl::StatusOr<std::vector<MetricSample>> samples = ParseMetrics(exposition);
  if (!samples.ok()) return -1;
  return SumSamples(*samples, name, labels);
}

double MetricSum(const std::string& address, absl::string_view name, const MetricLabels& labels) {
  httplib::Client client(absl::StrCat("http://", address));
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Result response = client.Get("/metrics");
  if (!response || response->status != 200) return -1;
  absl::StatusOr<std::vector<MetricSample>> samples = ParseMetrics(response->body);
  if (!samples.ok()) return -1;
  return SumSamples(*samples, name, labels);
}

}  // namespace himaya::metrics
