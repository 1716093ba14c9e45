// What the project's Prometheus rules and Grafana dashboards read: the metric names and label
// names of their PromQL expressions, for the cross-check that a running stack exports each of
// them (prometheus_e2e_test). A light reading of PromQL, not a parser: identifiers outside
// strings, brackets and function calls are metrics; names in `by (...)`, `without (...)`,
// `on (...)`, `ignoring (...)`, `group_left (...)`, `group_right (...)` and before a matcher's
// operator in `{...}` are labels.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace himaya::e2e {

// What one expression reads.
struct MetricReferences {
  // Every metric name selected (himaya_*, recorded names with ':', up, ALERTS, ...).
  std::set<std::string> metrics;
  // Labels in a selector's matchers, by the selector's metric ("" for a selector without a
  // name, `{job="claims"}`).
  std::map<std::string, std::set<std::string>> selector_labels;
  // Labels the expression groups or matches by (by, without, on, ignoring, group_left/right):
  // one of its metrics must carry each.
  std::set<std::string> grouping_labels;

  // Adds what `other` reads.
  void Merge(const MetricReferences& other);
};

// The references of a PromQL expression. Grafana's variables ($program, ${region},
// [[var]], $__rate_interval) are ignored. INVALID_ARGUMENT naming the place when a string,
// bracket or brace is not closed.
absl::StatusOr<MetricReferences> ReferencesOf(absl::string_view expression);

// The references of a Grafana template variable's query: `label_values(METRIC{...}, LABEL)`
// (the label is a selector label of each metric of the first argument), `label_values(LABEL)`
// (a grouping label), `query_result(EXPR)` and `metrics(...)` as expressions; anything else
// is read as PromQL.
absl::StatusOr<MetricReferences> ReferencesOfVariableQuery(absl::string_view query);

// An expression of a dashboard and what it reads.
struct DashboardExpression {
  std::string expression;
  MetricReferences references;
};

// Every PromQL expression of a Grafana dashboard (the panels' targets' "expr", at any depth,
// rows' nested panels included) and every template variable's query ("query" as a string or
// {"query": ...}, or "definition"), each read as above. INVALID_ARGUMENT naming the
// expression when one cannot be read.
absl::StatusOr<std::vector<DashboardExpression>> ExpressionsOfDashboard(const nlohmann::json& dashboard);

}  // namespace himaya::e2e
