#include "rpc/server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"

namespace himaya::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Counts each call and observes its latency, labelled by method and final code.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info, metrics::RpcMetrics* metrics)
      : method_(info->method()), metrics_(metrics), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      metrics_->requests.Add({{"method", method_}, {"code", CodeName(status.error_code())}}).Increment();
      metrics_->latency.Add({{"method", method_}}, metrics::LatencyBuckets())
          .Observe(absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  metrics::RpcMetrics* metrics_;
  absl::Time start_;
};

class MetricsInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(metrics::RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_);
  }

 private:
  metrics::RpcMetrics* metrics_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<Server> server(new Server());
  grpc::ServerBuilder builder;
  // Without this, gRPC sets SO_REUSEPORT and a second process on the same port would silently
  // share its traffic instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.address,
                           options.credentials != nullptr ? options.credentials : grpc::InsecureServerCredentials(),
                           &server->port_);
  for (grpc::Service* service : options.services) builder.RegisterService(service);
  if (options.metrics != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<MetricsInterceptorFactory>(options.metrics));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("grpc: cannot listen on ", options.address));
  }
  server->service_names_ = options.service_names;
  // Absent when a service of the caller's own implements grpc.health.v1.
  if (grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService()) {
    health->SetServingStatus(true);
    for (const std::string& name : options.service_names) health->SetServingStatus(name, true);
  }
  return server;
}

Server::~Server() { Shutdown(absl::Seconds(5)); }

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* context, core::ThreadPool& pool,
                                 std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued = pool.TrySchedule([context, reactor, work = std::move(work)] {
    if (context->deadline() <= std::chrono::system_clock::now()) {
      return reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed before the call ran"));
    }
    if (context->IsCancelled()) return reactor->Finish(grpc::Status::CANCELLED);
    const absl::Status status = work();
    if (std::optional<absl::Duration> wait = RetryAfterOf(status)) {
      context->AddTrailingMetadata(kRetryAfterMetadata, RetryAfterSeconds(*wait));
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!queued) reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy, try again"));
  return reactor;
}

}  // namespace himaya::rpc
