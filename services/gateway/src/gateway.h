// The gateway's request pipeline, in the order pipeline_parts.h gives: a request id, the route
// (404, 405), the caller (Authenticator: 401), the route's access (401 for no credential or one of
// another kind, 403 for a role or scope missing), the rate limits (429), the request transcoded
// (transcoder.h), for an audited agent route the reason and the access record (400, 503), the
// call (a service behind, a method served in process, or a hand route), and the answer. Every
// answer carries X-Request-Id and the security headers; every error is the one envelope (an
// OperationOutcome on FHIR routes), the server's own refusals included.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/src/backend_call.h"
#include "gateway/src/gateway_metrics.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/route_table.h"
#include "gateway/src/transcoder.h"
#include "prometheus/registry.h"

namespace himaya::gateway {

// What the pipeline is built from. The pointers outlive the gateway.
struct GatewayParts {
  Authenticator* authenticator = nullptr;
  RateLimits* rate_limits = nullptr;
  AccessAudit* access_audit = nullptr;
  LocalMethods local_methods;
  std::vector<HandRoute> hand_routes;
  Backends backends;
  // Where the gateway's metrics go.
  prometheus::Registry* registry = nullptr;
  // The services whose declared routes are served (default: GatewayServices()).
  std::vector<const google::protobuf::ServiceDescriptor*> services;
};

class Gateway {
 public:
  // Builds the route table (its checks: INVALID_ARGUMENT as RouteTable::Build says) and the
  // OpenAPI document served at GET /openapi.json. INVALID_ARGUMENT when a part is missing.
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(GatewayParts parts);

  // The whole pipeline for one request; sets its request id. Thread-safe.
  void Handle(HttpRequest& request, HttpResponse* response) const;
  // A request the server refused before the pipeline (too large): answered with the same id,
  // headers, envelope, metrics and log line.
  void Refused(HttpRequest& request, const ApiError& error, int http_status, HttpResponse* response) const;

  const RouteTable& routes() const { return table_; }

 private:
  explicit Gateway(GatewayParts parts);
  // The pipeline after the request id: fills `response`, and `route` (its template) when matched.
  void Serve(const HttpRequest& request, HttpResponse* response, std::string* route) const;
  // A declared route, once its caller is admitted.
  void Call(const Route& route, const HttpRequest& request, const std::map<std::string, std::string>& path_params,
            const Caller& caller, HttpResponse* response) const;
  // Records in the access audit that `caller` read each of `subjects` through `route`: 503 when
  // one cannot be recorded (the read is then refused, nothing answered).
  std::optional<ApiError> Audit(const Route& route, const Caller& caller, const std::vector<std::string>& subjects,
                                absl::string_view reason, absl::string_view request_id) const;
  // The headers every answer carries, then metrics and the access log line.
  void Finish(const HttpRequest& request, absl::string_view route, absl::Time start, HttpResponse* response) const;

  GatewayParts parts_;
  RouteTable table_;
  BackendCalls backends_;
  std::unique_ptr<prometheus::Registry> own_registry_;
  std::unique_ptr<GatewayMetrics> metrics_;
};

// A fresh request id: 32 random hexadecimal digits.
std::string NewRequestId();

// Writes `error` as the envelope (or as an OperationOutcome when `fhir`).
void WriteError(const ApiError& error, bool fhir, absl::string_view request_id, HttpResponse* response,
                int http_status = 0);

}  // namespace himaya::gateway
