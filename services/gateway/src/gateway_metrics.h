// What the gateway counts and logs of each request: requests by route template, method and
// HTTP status, latency by route, requests in flight (Prometheus), and one access log line. Both
// name a route by its template (`GET /v1/persons/{registration_number}`), never the path as
// sent, its query, its body or a cookie: a path may hold a registration number.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace himaya::gateway {

// The label of a request that matched no route.
inline constexpr char kUnmatchedRoute[] = "unmatched";

class GatewayMetrics {
 public:
  explicit GatewayMetrics(prometheus::Registry& registry);

  // A request starts / ends (in flight).
  void Started() { in_flight_.Increment(); }
  // Counts the finished request and writes its access log line. `route` is the template (or
  // kUnmatchedRoute); `method` as sent (a method the gateway does not serve counts as "OTHER").
  void Finished(absl::string_view method, absl::string_view route, int status, absl::Duration duration,
                absl::string_view request_id);

  // GET, POST, PUT, DELETE, or OTHER: what a label may hold of a method the client chose.
  static std::string MethodLabel(absl::string_view method);

 private:
  prometheus::Family<prometheus::Counter>& requests_;   // himaya_gateway_requests_total
  prometheus::Family<prometheus::Histogram>& latency_;  // himaya_gateway_request_seconds
  prometheus::Gauge& in_flight_;                        // himaya_gateway_requests_in_flight
};

}  // namespace himaya::gateway
