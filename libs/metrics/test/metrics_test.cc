// The metrics library: the /metrics endpoint serves a registry in Prometheus' text format over
// real HTTP, and the standard families every service shares have the names, types, labels and
// buckets the dashboards and alert rules (deploy/) are written against.
#include "metrics/metrics.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/http.h"

namespace himaya::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<prometheus::Registry>();
    auto server = MetricsServer::Start("127.0.0.1:0", registry_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", server_->port()); }
  // The exposition /metrics serves now.
  std::string Scrape() {
    absl::StatusOr<testing::HttpResponse> response = testing::HttpGet(address(), "/metrics");
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return "";
    EXPECT_EQ(response->status, 200);
    EXPECT_THAT(response->content_type, HasSubstr("text/plain"));
    return response->body;
  }
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, ServesTheRegistryAsItIsAtEachScrape) {
  ASSERT_GT(server_->port(), 0);
  auto& family = prometheus::BuildCounter().Name("himaya_test_things_total").Help("Things").Register(*registry_);
  prometheus::Counter& things = family.Add({{"program", "amo-tns"}});
  EXPECT_THAT(Scrape(), HasSubstr("himaya_test_things_total{program=\"amo-tns\"} 0"));
  things.Increment(3);
  const std::string body = Scrape();
  EXPECT_THAT(body, HasSubstr("# HELP himaya_test_things_total Things"));
  EXPECT_THAT(body, HasSubstr("# TYPE himaya_test_things_total counter"));
  EXPECT_THAT(body, HasSubstr("himaya_test_things_total{program=\"amo-tns\"} 3"));
}

TEST_F(MetricsServerTest, ABusyAddressIsUnavailable) {
  auto second = MetricsServer::Start(address(), registry_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(MetricsServerStart, AMalformedAddressIsUnavailable) {
  auto server = MetricsServer::Start("not an address", std::make_shared<prometheus::Registry>());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(MetricsServerTest, TheOutboxSeriesExistFromTheStartAtZero) {
  // Alert rules compare these series; each must be there before anything happened.
  OutboxMetrics outbox(*registry_);
  const std::string body = Scrape();
  for (const char* series :
       {"himaya_outbox_depth 0", "himaya_outbox_relay_lag_seconds 0", "himaya_outbox_published_total 0",
        "himaya_outbox_publish_errors_total 0", "himaya_outbox_set_aside 0", "himaya_outbox_replayed_total 0"}) {
    EXPECT_THAT(body, HasSubstr(absl::StrCat("\n", series, "\n"))) << series;
  }
  EXPECT_THAT(body, HasSubstr("# TYPE himaya_outbox_depth gauge"));
  EXPECT_THAT(body, HasSubstr("# TYPE himaya_outbox_published_total counter"));
  outbox.depth.Set(7);
  outbox.published.Increment(2);
  EXPECT_THAT(Scrape(), HasSubstr("\nhimaya_outbox_depth 7\n"));
  EXPECT_THAT(Scrape(), HasSubstr("\nhimaya_outbox_published_total 2\n"));
}

TEST_F(MetricsServerTest, RpcCallsAreCountedByMethodAndCodeAndTimedInLatencyBuckets) {
  RpcMetrics rpc(*registry_);
  EXPECT_THAT(Scrape(), Not(HasSubstr("himaya_rpc_requests_total{"))) << "no call, no series";
  rpc.requests.Add({{"method", "/m"}, {"code", "OK"}}).Increment();
  rpc.latency.Add({{"method", "/m"}}, LatencyBuckets()).Observe(0.003);
  const std::string body = Scrape();
  EXPECT_THAT(body, HasSubstr("himaya_rpc_requests_total{code=\"OK\",method=\"/m\"} 1"));
  EXPECT_THAT(body, HasSubstr("# TYPE himaya_rpc_latency_seconds histogram"));
  // 3 ms: not within 2.5 ms, within 5 ms.
  EXPECT_THAT(body, HasSubstr("himaya_rpc_latency_seconds_bucket{method=\"/m\",le=\"0.0025\"} 0"));
  EXPECT_THAT(body, HasSubstr("himaya_rpc_latency_seconds_bucket{method=\"/m\",le=\"0.005\"} 1"));
  EXPECT_THAT(body, HasSubstr("himaya_rpc_latency_seconds_bucket{method=\"/m\",le=\"+Inf\"} 1"));
  EXPECT_THAT(body, HasSubstr("himaya_rpc_latency_seconds_count{method=\"/m\"} 1"));
  EXPECT_THAT(body, HasSubstr("himaya_rpc_latency_seconds_sum{method=\"/m\"} 0.003"));
}

TEST(LatencyBuckets, RunFromAMillisecondToTenSecondsInOrder) {
  const auto& buckets = LatencyBuckets();
  ASSERT_EQ(buckets.size(), 13u);
  EXPECT_EQ(buckets.front(), 0.001);
  EXPECT_EQ(buckets.back(), 10);
  for (size_t i = 1; i < buckets.size(); ++i) EXPECT_LT(buckets[i - 1], buckets[i]);
}

TEST_F(MetricsServerTest, DatabaseAndConsumerFamiliesAreServedUnderTheirNames) {
  DatabaseMetrics db(*registry_);
  ConsumerMetrics consumer(*registry_);
  db.transactions.Add({{"kind", "write"}, {"outcome", "ok"}}).Increment();
  db.latency.Add({{"kind", "write"}}, LatencyBuckets()).Observe(0.02);
  consumer.events.Add({{"topic", "t"}, {"outcome", "applied"}}).Increment(4);
  consumer.lag.Add({{"topic", "t"}, {"partition", "0"}}).Set(12);
  consumer.lost_events.Add({{"topic", "t"}}).Increment(2);
  consumer.offset_resets.Add({{"topic", "t"}, {"reason", "behind_retention"}}).Increment();
  const std::string body = Scrape();
  EXPECT_THAT(body, HasSubstr("himaya_db_transactions_total{kind=\"write\",outcome=\"ok\"} 1"));
  EXPECT_THAT(body, HasSubstr("himaya_db_transaction_seconds_count{kind=\"write\"} 1"));
  EXPECT_THAT(body, HasSubstr("himaya_consumer_events_total{outcome=\"applied\",topic=\"t\"} 4"));
  EXPECT_THAT(body, HasSubstr("# TYPE himaya_consumer_lag gauge"));
  EXPECT_THAT(body, HasSubstr("himaya_consumer_lag{partition=\"0\",topic=\"t\"} 12"));
  EXPECT_THAT(body, HasSubstr("himaya_consumer_lost_events_total{topic=\"t\"} 2"));
  EXPECT_THAT(body, HasSubstr("himaya_consumer_offset_resets_total{reason=\"behind_retention\",topic=\"t\"} 1"));
}

TEST_F(MetricsServerTest, TheEndpointClosesWithTheServer) {
  const std::string served_at = address();
  ASSERT_TRUE(testing::HttpGet(served_at, "/metrics").ok());
  server_.reset();
  EXPECT_EQ(testing::HttpGet(served_at, "/metrics").status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace himaya::metrics
