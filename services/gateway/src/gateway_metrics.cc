#include "gateway/src/gateway_metrics.h"

#include "core/log.h"
#include "metrics/metrics.h"

namespace himaya::gateway {

GatewayMetrics::GatewayMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("himaya_gateway_requests_total")
                    .Help("HTTP requests answered, by route template, method and HTTP status")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("himaya_gateway_request_seconds")
                   .Help("Time from a request read whole to its answer, by route template")
                   .Register(registry)),
      in_flight_(prometheus::BuildGauge()
                     .Name("himaya_gateway_requests_in_flight")
                     .Help("HTTP requests being handled")
                     .Register(registry)
                     .Add({})) {}

std::string GatewayMetrics::MethodLabel(absl::string_view method) {
  for (absl::string_view known : {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}) {
    if (method == known) return std::string(known);
  }
  return "OTHER";
}

void GatewayMetrics::Finished(absl::string_view method, absl::string_view route, int status, absl::Duration duration,
                              absl::string_view request_id) {
  in_flight_.Decrement();
  const std::string method_label = MethodLabel(method);
  const std::string route_label(route);
  requests_.Add({{"route", route_label}, {"method", method_label}, {"code", std::to_string(status)}}).Increment();
  latency_.Add({{"route", route_label}}, metrics::LatencyBuckets()).Observe(absl::ToDoubleSeconds(duration));
  log::Info("http request", {{"method", method_label},
                             {"route", route_label},
                             {"status", status},
                             {"duration_ms", absl::ToDoubleMilliseconds(duration)},
                             {"request_id", request_id}});
}

}  // namespace himaya::gateway
