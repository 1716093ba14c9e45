#include "metrics/scrape.h"

#include <cmath>

#include "gtest/gtest.h"

namespace himaya::metrics {
namespace {

constexpr char kExposition[] = R"(# HELP himaya_notification_messages_total Messages by what happened to them.
# TYPE himaya_notification_messages_total counter
himaya_notification_messages_total{channel="sms",program="amo-tns",template="activation",what="sent"} 7
himaya_notification_messages_total{channel="sms",program="amo-tns",template="reminder",what="sent"} 2
himaya_notification_messages_total{channel="sms",program="amo-tns",template="activation",what="failed"} 1
himaya_notification_messages_total_extra 100

# TYPE himaya_outbox_depth gauge
himaya_outbox_depth 3 1700000000000
himaya_rpc_latency_seconds_bucket{method="GetPerson",le="+Inf"} 5
himaya_note{text="a \"quoted\", \\ back\nslash"} 1
)";

TEST(ParseMetrics, ReadsNamesLabelsAndValues) {
  absl::StatusOr<std::vector<MetricSample>> samples = ParseMetrics(kExposition);
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(samples->size(), 7u);
  const MetricSample& first = (*samples)[0];
  EXPECT_EQ(first.name, "himaya_notification_messages_total");
  EXPECT_EQ(first.labels,
            (MetricLabels{{"channel", "sms"}, {"program", "amo-tns"}, {"template", "activation"}, {"what", "sent"}}));
  EXPECT_EQ(first.value, 7);
  EXPECT_EQ((*samples)[4].name, "himaya_outbox_depth");
  EXPECT_TRUE((*samples)[4].labels.empty());
  EXPECT_EQ((*samples)[4].value, 3) << "the timestamp is not the value";
  EXPECT_EQ((*samples)[5].labels.at("le"), "+Inf");
  EXPECT_EQ((*samples)[6].labels.at("text"), "a \"quoted\", \\ back\nslash");
}

TEST(ParseMetrics, ReadsSpecialValues) {
  auto samples = ParseMetrics("a +Inf\nb -Inf\nc NaN\nd 1.5e3\n");
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_TRUE(std::isinf((*samples)[0].value) && (*samples)[0].value > 0);
  EXPECT_TRUE(std::isinf((*samples)[1].value) && (*samples)[1].value < 0);
  EXPECT_TRUE(std::isnan((*samples)[2].value));
  EXPECT_EQ((*samples)[3].value, 1500);
}

TEST(ParseMetrics, RefusesWhatIsNotExposition) {
  for (const char* bad : {"<html>", "a{b=\"c\" 1", "a{b=c} 1", "a", "a one", "a 1 2 3"}) {
    absl::StatusOr<std::vector<MetricSample>> samples = ParseMetrics(bad);
    EXPECT_EQ(samples.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SumSamples, AddsTheSamplesOfOneNameCarryingTheLabelsAsked) {
  auto samples = ParseMetrics(kExposition);
  ASSERT_TRUE(samples.ok());
  EXPECT_EQ(SumSamples(*samples, "himaya_notification_messages_total"), 10) << "every label";
  EXPECT_EQ(SumSamples(*samples, "himaya_notification_messages_total", {{"what", "sent"}}), 9);
  EXPECT_EQ(SumSamples(*samples, "himaya_notification_messages_total", {{"what", "sent"}, {"template", "activation"}}),
            7);
  EXPECT_EQ(SumSamples(*samples, "himaya_notification_messages_total", {{"what", "delivered"}}), 0);
  EXPECT_EQ(SumSamples(*samples, "himaya_notification_messages_total", {{"region", "sms"}}), 0) << "no such label";
  EXPECT_EQ(SumSamples(*samples, "himaya_notification_messages"), 0) << "a name, not a prefix";
  EXPECT_EQ(SumSamples(*samples, "himaya_outbox_depth"), 3);
}

TEST(MetricSum, IsMinusOneWhenNothingAnswers) { EXPECT_EQ(MetricSum("127.0.0.1:1", "himaya_outbox_depth"), -1); }

}  // namespace
}  // namespace himaya::metrics
