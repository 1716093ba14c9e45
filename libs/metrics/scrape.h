// Reading a service's Prometheus metrics, for tests, benchmarks and tools: GET /metrics, parse the
// text exposition format, and add up the samples asked for by name and labels.
//
//   double sent = metrics::MetricSum(stack->endpoint("notification").metrics,
//                           "himaya_notification_messages_total", {{"what", "sent"}});
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/registry.h"

namespace himaya::metrics {

using MetricLabels = std::map<std::string, std::string>;

// One line of the exposition: `name{label="value",...} value [timestamp]`.
struct MetricSample {
  std::string name;
  MetricLabels labels;
  double value = 0;
};

// Parses Prometheus text exposition (format 0.0.4): comment (#) and blank lines are skipped;
// label values are unescaped (\\, \", \n); values may be +Inf, -Inf or NaN. INVALID_ARGUMENT
// quoting the first line it cannot read.
absl::StatusOr<std::vector<MetricSample>> ParseMetrics(absl::string_view exposition);

// The sum of the samples named `name` that carry every label of `labels` (and any others);
// 0 when there are none.
double SumSamples(const std::vector<MetricSample>& samples, absl::string_view name, const MetricLabels& labels = {});

// Scrapes http://ADDRESS/metrics (address "127.0.0.1:port") and returns SumSamples of what it
// serves; -1 when nothing answers or the page cannot be parsed.
double MetricSum(const std::string& address, absl::string_view name, const MetricLabels& labels = {});

// SumSamples of what `registry` holds now (as its /metrics page would serve it): for tests of a
// class that registers its metrics, without an HTTP server.
double RegistrySum(prometheus::Registry& registry, absl::string_view name, const MetricLabels& labels = {});

}  // namespace himaya::metrics
