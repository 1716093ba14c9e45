// The metrics and labels read from the rules' and dashboards' PromQL, as the cross-check of
// prometheus_e2e_test takes them: selectors, grouping, recorded names, Grafana's variables, and
// expressions that cannot be read.
#include "metric_references.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

MetricReferences Read(absl::string_view expression) {
  absl::StatusOr<MetricReferences> refs = ReferencesOf(expression);
  EXPECT_TRUE(refs.ok()) << refs.status();
  return refs.value_or(MetricReferences{});
}

TEST(MetricReferences, AnAggregationOfARateReadsTheCounterAndItsGroupingLabels) {
  MetricReferences refs = Read("sum by (job, method, code) (rate(himaya_rpc_requests_total[5m]))");
  EXPECT_THAT(refs.metrics, ElementsAre("himaya_rpc_requests_total"));
  EXPECT_THAT(refs.grouping_labels, UnorderedElementsAre("job", "method", "code"));
  EXPECT_THAT(refs.selector_labels, IsEmpty());
}

TEST(MetricReferences, GroupingAfterTheExpressionAndWithoutCount) {
  MetricReferences refs = Read("max without(instance) (himaya_registration_persons) + sum(x_total) by (region)");
  EXPECT_THAT(refs.metrics, UnorderedElementsAre("himaya_registration_persons", "x_total"));
  EXPECT_THAT(refs.grouping_labels, UnorderedElementsAre("instance", "region"));
}

TEST(MetricReferences, MatchersAreLabelsOfTheirMetricAndTheirValuesAreNotRead) {
  MetricReferences refs =
      Read(R"(program_state:himaya_claims_files:max{state=~"DECIDED|IN_PAYMENT|PAID", program!="x{y}"} )"
           R"(/ on (program) group_left(region) himaya_beneficiary_insured{category = 'AGRI'})");
  EXPECT_THAT(refs.metrics,
              UnorderedElementsAre("program_state:himaya_claims_files:max", "himaya_beneficiary_insured"));
  EXPECT_THAT(refs.selector_labels, UnorderedElementsAre(Pair("program_state:himaya_claims_files:max",
                                                              UnorderedElementsAre("state", "program")),
                                                         Pair("himaya_beneficiary_insured", ElementsAre("category"))));
  EXPECT_THAT(refs.grouping_labels, UnorderedElementsAre("program", "region"));
}

TEST(MetricReferences, ASelectorWithoutANameIsKeptUnderTheEmptyName) {
  MetricReferences refs = Read(R"(up{job="notification"} == 0 or absent({job="claims"}))");
  EXPECT_THAT(refs.metrics, ElementsAre("up"));
  EXPECT_THAT(refs.selector_labels, UnorderedElementsAre(Pair("up", ElementsAre("job")), Pair("", ElementsAre("job"))));
}

TEST(MetricReferences, NumbersDurationsOffsetsKeywordsAndFunctionsAreNoMetrics) {
  MetricReferences refs = Read(
      "histogram_quantile(0.95, sum by (le) (rate(himaya_rpc_latency_seconds_bucket[5m] offset 1h))) > 1e3 "
      "and time() - himaya_figures_pass_timestamp_seconds > 3 * 86400 unless bool inf # a comment: not_a_metric\n"
      "or topk(3, avg_over_time(himaya_outbox_depth[1h:1m]))");
  EXPECT_THAT(refs.metrics, UnorderedElementsAre("himaya_rpc_latency_seconds_bucket",
                                                 "himaya_figures_pass_timestamp_seconds", "himaya_outbox_depth"));
  EXPECT_THAT(refs.grouping_labels, ElementsAre("le"));
}

TEST(MetricReferences, GrafanasVariablesAreIgnored) {
  MetricReferences refs = Read(
      R"(sum by ($group) (rate(himaya_claims_received_total{channel=~"$channel", program=~"${program:regex}"}[$__rate_interval])))"
      R"( / [[divisor]])");
  EXPECT_THAT(refs.metrics, ElementsAre("himaya_claims_received_total"));
  EXPECT_THAT(refs.selector_labels,
              ElementsAre(Pair("himaya_claims_received_total", UnorderedElementsAre("channel", "program"))));
  EXPECT_THAT(refs.grouping_labels, IsEmpty());
}

TEST(MetricReferences, AnExpressionLeftOpenIsRefusedNamingWhere) {
  for (const char* bad : {R"(himaya_x{program="amo)", "himaya_x{program", "rate(himaya_x[5m)", "sum by (job"}) {
    absl::StatusOr<MetricReferences> refs = ReferencesOf(bad);
    ASSERT_FALSE(refs.ok()) << bad;
    EXPECT_EQ(refs.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(refs.status().message(), HasSubstr("is not closed in: "));
  }
}

TEST(MetricReferences, LabelValuesNamesALabelOfItsMetric) {
  absl::StatusOr<MetricReferences> refs =
      ReferencesOfVariableQuery(R"(label_values(himaya_beneficiary_insured{program=~"$program"}, region))");
  ASSERT_TRUE(refs.ok()) << refs.status();
  EXPECT_THAT(refs->metrics, ElementsAre("himaya_beneficiary_insured"));
  EXPECT_THAT(refs->selector_labels,
              ElementsAre(Pair("himaya_beneficiary_insured", UnorderedElementsAre("program", "region"))));

  refs = ReferencesOfVariableQuery("label_values(program)");
  ASSERT_TRUE(refs.ok());
  EXPECT_THAT(refs->metrics, IsEmpty());
  EXPECT_THAT(refs->grouping_labels, ElementsAre("program"));

  refs = ReferencesOfVariableQuery("query_result(topk(5, himaya_claims_past_due))");
  ASSERT_TRUE(refs.ok());
  EXPECT_THAT(refs->metrics, ElementsAre("himaya_claims_past_due"));

  refs = ReferencesOfVariableQuery("label_values(himaya_x, a, b)");
  EXPECT_EQ(refs.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MetricReferences, ADashboardsPanelsRowsAndVariablesAreRead) {
  nlohmann::json dashboard = nlohmann::json::parse(R"json({
    "title": "Reform",
    "templating": {"list": [
      {"name": "program", "type": "query",
       "query": {"query": "label_values(himaya_registration_persons, program)", "refId": "A"}},
      {"name": "region", "type": "query", "definition": "label_values(himaya_beneficiary_insured, region)",
       "query": "label_values(himaya_beneficiary_insured, region)"},
      {"name": "interval", "type": "interval", "query": "1m,5m"}]},
    "panels": [
      {"type": "stat",
       "targets": [{"expr": "sum(program_category_region:himaya_registration_persons:max{program=~\"$program\"})"}]},
      {"type": "row",
       "panels": [{"type": "timeseries", "targets": [{"expr": "himaya_outbox_depth", "legendFormat": "{{job}}"}]}]}]
  })json");
  absl::StatusOr<std::vector<DashboardExpression>> expressions = ExpressionsOfDashboard(dashboard);
  ASSERT_TRUE(expressions.ok()) << expressions.status();
  std::vector<std::string> texts;
  MetricReferences all;
  for (const DashboardExpression& e : *expressions) {
    texts.push_back(e.expression);
    all.Merge(e.references);
  }
  EXPECT_THAT(texts, UnorderedElementsAre(
                         R"(sum(program_category_region:himaya_registration_persons:max{program=~"$program"}))",
                         "himaya_outbox_depth", "label_values(himaya_registration_persons, program)",
                         "label_values(himaya_beneficiary_insured, region)",
                         "label_values(himaya_beneficiary_insured, region)"))
      << "an interval variable's list is no query";
  EXPECT_THAT(all.metrics,
              UnorderedElementsAre("program_category_region:himaya_registration_persons:max", "himaya_outbox_depth",
                                   "himaya_registration_persons", "himaya_beneficiary_insured"));
  EXPECT_THAT(all.selector_labels["himaya_beneficiary_insured"], ElementsAre("region"));
  EXPECT_THAT(all.selector_labels["himaya_registration_persons"], ElementsAre("program"));

  nlohmann::json broken =
      nlohmann::json::parse(R"json({"panels": [{"targets": [{"expr": "sum(himaya_x{a=\"b)"}]}]})json");
  EXPECT_EQ(ExpressionsOfDashboard(broken).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace himaya::e2e
