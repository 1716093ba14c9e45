#include "metrics/metrics.h"

#include <exception>

#include "absl/strings/str_cat.h"

namespace himaya::metrics {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& address,
                                                                    std::shared_ptr<prometheus::Registry> registry) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/1);
    exposer->RegisterCollectable(registry);
    std::vector<int> ports = exposer->GetListeningPorts();
    if (ports.empty()) return absl::UnavailableError(absl::StrCat("metrics: not listening on ", address));
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(exposer), ports.front()));
  } catch (const std::exception& e) {
    // civetweb reports a busy or malformed address by throwing.
    return absl::UnavailableError(absl::StrCat("metrics: cannot listen on ", address, ": ", e.what()));
  }
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : requests(prometheus::BuildCounter()
                   .Name("himaya_rpc_requests_total")
                   .Help("gRPC calls served, by method and status code")
                   .Register(registry)),
      latency(prometheus::BuildHistogram()
                  .Name("himaya_rpc_latency_seconds")
                  .Help("gRPC call latency, by method")
                  .Register(registry)) {}

DatabaseMetrics::DatabaseMetrics(prometheus::Registry& registry)
    : transactions(prometheus::BuildCounter()
                       .Name("himaya_db_transactions_total")
                       .Help("Database transactions, by kind and outcome")
                       .Register(registry)),
      latency(prometheus::BuildHistogram()
                  .Name("himaya_db_transaction_seconds")
                  .Help("Database transaction duration, by kind")
                  .Register(registry)) {}

OutboxMetrics::OutboxMetrics(prometheus::Registry& registry)
    : depth(prometheus::BuildGauge()
                .Name("himaya_outbox_depth")
                .Help("Outbox rows not yet published")
                .Register(registry)
                .Add({})),
      relay_lag_seconds(prometheus::BuildGauge()
                            .Name("himaya_outbox_relay_lag_seconds")
                            .Help("Age of the oldest unpublished outbox row")
                            .Register(registry)
                            .Add({})),
      published(prometheus::BuildCounter()
                    .Name("himaya_outbox_published_total")
                    .Help("Outbox rows published to Kafka")
                    .Register(registry)
                    .Add({})),
      publish_errors(prometheus::BuildCounter()
                         .Name("himaya_outbox_publish_errors_total")
                         .Help("Outbox rows whose publication failed (retried)")
                         .Register(registry)
                         .Add({})),
      set_aside(prometheus::BuildGauge()
                    .Name("himaya_outbox_set_aside")
                    .Help("Outbox rows the broker can never take, set aside with their reason")
                    .Register(registry)
                    .Add({})),
      replayed(prometheus::BuildCounter()
                   .Name("himaya_outbox_replayed_total")
                   .Help("Published outbox rows published again (a new broker, or an operator's replay)")
                   .Register(registry)
                   .Add({})) {}

ConsumerMetrics::ConsumerMetrics(prometheus::Registry& registry)
    : events(prometheus::BuildCounter()
                 .Name("himaya_consumer_events_total")
                 .Help("Events consumed, by topic and outcome")
                 .Register(registry)),
      lag(prometheus::BuildGauge()
              .Name("himaya_consumer_lag")
              .Help("Messages behind the end of the partition, by topic and partition")
              .Register(registry)),
      lost_events(prometheus::BuildCounter()
                      .Name("himaya_consumer_lost_events_total")
                      .Help("Events dropped by the broker before this consumer read them, by topic")
                      .Register(registry)),
      offset_resets(prometheus::BuildCounter()
                        .Name("himaya_consumer_offset_resets_total")
                        .Help("Partitions whose position had to be found again, by topic and reason")
                        .Register(registry)),
      rebalances(prometheus::BuildCounter()
                     .Name("himaya_consumer_rebalances_total")
                     .Help("Partitions assigned to this member or revoked from it, by change")
                     .Register(registry)) {}

}  // namespace himaya::metrics
