// Prometheus metrics: the HTTP endpoint each service exposes (/metrics), and the standard
// families every service shares (RPC, database, outbox, consumer). Business figures are
// registered by each service on the same registry.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace himaya::metrics {

// Serves a registry's metrics on http://ADDRESS/metrics.
class MetricsServer {
 public:
  // Binds `address` ("127.0.0.1:0" picks a free port). UNAVAILABLE when it cannot listen.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& address,
                                                              std::shared_ptr<prometheus::Registry> registry);
  // The port actually bound.
  int port() const { return port_; }

 private:
  explicit MetricsServer(std::unique_ptr<prometheus::Exposer> exposer, int port)
      : exposer_(std::move(exposer)), port_(port) {}
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

// Latency buckets in seconds, from 1 ms to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// gRPC server calls, by method and status code.
struct RpcMetrics {
  explicit RpcMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& requests;   // himaya_rpc_requests_total
  prometheus::Family<prometheus::Histogram>& latency;  // himaya_rpc_latency_seconds
};

// Database transactions, by kind (read, write) and outcome (ok, or the status code).
struct DatabaseMetrics {
  explicit DatabaseMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& transactions;  // himaya_db_transactions_total
  prometheus::Family<prometheus::Histogram>& latency;     // himaya_db_transaction_seconds
};

// The transactional outbox and its relay.
struct OutboxMetrics {
  explicit OutboxMetrics(prometheus::Registry& registry);
  prometheus::Gauge& depth;              // himaya_outbox_depth: rows not yet published
  prometheus::Gauge& relay_lag_seconds;  // himaya_outbox_relay_lag_seconds: age of the oldest
  prometheus::Counter& published;        // himaya_outbox_published_total
  prometheus::Counter& publish_errors;   // himaya_outbox_publish_errors_total
  // himaya_outbox_set_aside: rows the broker can never take, kept with their reason (alarm > 0)
  prometheus::Gauge& set_aside;
  // himaya_outbox_replayed_total: published rows published again (a new broker, or asked)
  prometheus::Counter& replayed;
};

// Kafka consumers, by topic.
struct ConsumerMetrics {
  explicit ConsumerMetrics(prometheus::Registry& registry);
  // himaya_consumer_events_total{topic, outcome=applied|duplicate|rejected|retried}
  prometheus::Family<prometheus::Counter>& events;
  // himaya_consumer_lag{topic, partition}: messages behind the partition's end.
  prometheus::Family<prometheus::Gauge>& lag;
  // himaya_consumer_lost_events_total{topic}: events the broker dropped before this consumer
  // read them (its position fell behind retention). Any increase is data loss: alarm.
  prometheus::Family<prometheus::Counter>& lost_events;
  // himaya_consumer_offset_resets_total{topic, reason=no_committed_offset|behind_retention|past_end}
  prometheus::Family<prometheus::Counter>& offset_resets;
  // himaya_consumer_rebalances_total{change=assigned|revoked}: partitions handed to this member
  // or taken from it (members joining or leaving; this one out of its group after a poll
  // interval without polling).
  prometheus::Family<prometheus::Counter>& rebalances;
};

}  // namespace himaya::metrics
