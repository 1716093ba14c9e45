// himaya-gateway: HTTP/1.1 + JSON for the portal, agents' desks, the IVR and partners, in front of
// the services' gRPC (routes declared on the protos), with its own sessions, agents, API keys and
// access audit.
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/log.h"
#include "gateway/src/auth_flags.h"
#include "gateway/src/auth_parts.h"
#include "gateway/src/fhir_routes.h"
#include "gateway/src/gateway.h"
#include "gateway/src/http_server.h"
#include "gateway/src/portal_assets.h"
#include "gateway_migrations.h"
#include "grpcpp/impl/service_type.h"
#include "rpc/client.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, http_address, "127.0.0.1:0", "HTTP listening address (port 0: any free)");
ABSL_FLAG(int, http_threads, 8, "Threads serving HTTP; each handles one request at a time (bounds those in flight)");
ABSL_FLAG(int, http_connection_limit, 1000, "Open HTTP connections at most; past it new ones are closed");
ABSL_FLAG(int, http_per_address_limit, 64, "Open HTTP connections at most from one client address");
ABSL_FLAG(absl::Duration, http_idle_timeout, absl::Seconds(30), "An idle HTTP connection is closed after this");
ABSL_FLAG(int64_t, http_max_body_bytes, 1 << 20, "A larger request body is refused (413) without being read");
ABSL_FLAG(int64_t, http_max_buffered_body_bytes, 64 << 20,
          "Request bodies held by all connections together at most; past it a request is refused (503)");
ABSL_FLAG(int64_t, http_max_url_bytes, 8 * 1024, "A longer URL is refused (414)");
ABSL_FLAG(int64_t, http_max_header_bytes, 16 * 1024, "Larger request headers are refused (431)");
ABSL_FLAG(int, backend_connections, 4,
          "Connections to each service behind, taken in turn by the calls (one HTTP/2 connection is read by one "
          "of the service's pollers)");
ABSL_FLAG(absl::Duration, backend_deadline, absl::Seconds(3), "Deadline of each call to a service behind");
ABSL_FLAG(std::string, registration_address, "",
          "gRPC address of registration (default: found in DATA_DIR/run/registration.json)");
ABSL_FLAG(std::string, beneficiary_address, "",
          "gRPC address of beneficiary (default: found in DATA_DIR/run/beneficiary.json)");
ABSL_FLAG(std::string, fhir_time_zone, "Africa/Casablanca", "Time zone of \"today\" in FHIR Coverage's status");
ABSL_FLAG(std::string, claims_address, "", "gRPC address of claims (default: found in DATA_DIR/run/claims.json)");

int main(int argc, char** argv) {
  using namespace himaya;
  std::unique_ptr<gateway::AuthParts> auth;
  std::unique_ptr<gateway::Gateway> pipeline;
  std::unique_ptr<gateway::HttpServer> http;
  return service::RunService(
      argc, argv, "gateway",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::GatewayMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        auto auth_config = gateway::AuthConfigFromFlags();
        if (!auth_config.ok()) return auth_config.status();
        gateway::GatewayParts parts;
        parts.registry = &runtime.registry();
        if (absl::GetFlag(FLAGS_backend_deadline) <= absl::ZeroDuration()) {
          return absl::InvalidArgumentError("backend_deadline: must be positive");
        }
        parts.backends.deadline = absl::GetFlag(FLAGS_backend_deadline);
        const int connections = absl::GetFlag(FLAGS_backend_connections);
        if (connections < 1 || connections > 64) {
          return absl::InvalidArgumentError("backend_connections: from 1 to 64");
        }
        for (const auto& [name, given, channel] :
             {std::tuple{"registration", absl::GetFlag(FLAGS_registration_address), &parts.backends.registration},
              std::tuple{"beneficiary", absl::GetFlag(FLAGS_beneficiary_address), &parts.backends.beneficiary},
              std::tuple{"claims", absl::GetFlag(FLAGS_claims_address), &parts.backends.claims}}) {
          auto address = service::PeerAddress(name, given);
          if (!address.ok()) return address.status();
          log::Info("gateway calls", {{"service", name}, {"address", *address}});
          *channel = rpc::ChannelPool(rpc::NewChannels(*address, connections));
        }
        // The portal's pages, embedded at build time, at / and /portal/*.
        for (gateway::HandRoute& route : gateway::PortalAssets::Embedded().Routes()) {
          parts.hand_routes.push_back(std::move(route));
        }
        // Who calls (sessions, agents, API keys), how much, and what agents' reads leave behind.
        auth = std::make_unique<gateway::AuthParts>(runtime.db(), runtime.clock(), runtime.random(),
                                                    runtime.handler_pool(), *auth_config, parts.backends);
        parts.authenticator = &auth->authenticator();
        parts.rate_limits = &auth->rate_limits();
        parts.access_audit = &auth->access_audit();
        parts.local_methods = auth->local_methods();
        auth->Start();
        runtime.OnStop([&] { auth->Stop(); });
        // FHIR R4 for clinics and partner insurers, at /fhir/r4/* (docs/fhir.md).
        gateway::FhirOptions fhir;
        if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_fhir_time_zone), &fhir.zone)) {
          return absl::InvalidArgumentError("fhir_time_zone: unknown (install tzdata)");
        }
        for (gateway::HandRoute& route : gateway::FhirRoutes(parts.backends, auth->access_audit(), fhir)) {
          parts.hand_routes.push_back(std::move(route));
        }
        auto built = gateway::Gateway::Create(std::move(parts));
        if (!built.ok()) return built.status();
        pipeline = *std::move(built);
        gateway::HttpServerOptions options;
        options.address = absl::GetFlag(FLAGS_http_address);
        options.threads = absl::GetFlag(FLAGS_http_threads);
        options.connection_limit = absl::GetFlag(FLAGS_http_connection_limit);
        options.per_address_limit = absl::GetFlag(FLAGS_http_per_address_limit);
        options.idle_timeout = absl::GetFlag(FLAGS_http_idle_timeout);
        for (const auto& [flag, value] :
             {std::pair{"http_max_body_bytes", absl::GetFlag(FLAGS_http_max_body_bytes)},
              std::pair{"http_max_url_bytes", absl::GetFlag(FLAGS_http_max_url_bytes)},
              std::pair{"http_max_header_bytes", absl::GetFlag(FLAGS_http_max_header_bytes)},
              std::pair{"http_max_buffered_body_bytes", absl::GetFlag(FLAGS_http_max_buffered_body_bytes)}}) {
          if (value < 1) return absl::InvalidArgumentError(absl::StrCat(flag, ": at least 1"));
        }
        options.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_http_max_body_bytes));
        options.max_buffered_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_http_max_buffered_body_bytes));
        options.max_url_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_http_max_url_bytes));
        options.max_header_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_http_max_header_bytes));
        gateway::Gateway* g = pipeline.get();
        auto started = gateway::HttpServer::Start(
            options,
            [g](gateway::HttpRequest& request, gateway::HttpResponse* response) { g->Handle(request, response); },
            [g](gateway::HttpRequest& request, const gateway::ApiError& error, int status,
                gateway::HttpResponse* response) { g->Refused(request, error, status, response); });
        if (!started.ok()) return started.status();
        http = *std::move(started);
        // Requests stop before the database closes (sessions are read from it).
        runtime.OnStop([&] { http->Shutdown(); });
        runtime.AnnounceAddress("http", absl::StrCat("127.0.0.1:", http->port()));
        log::Info("gateway serving HTTP", {{"http", absl::StrCat("127.0.0.1:", http->port())},
                                           {"routes", static_cast<int64_t>(pipeline->routes().routes().size())}});
        return runtime.Serve({&auth->admin_service()}, {gateway::v1::GatewayAdminService::service_full_name()});
      });
}
