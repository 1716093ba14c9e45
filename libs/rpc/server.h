// gRPC server bootstrap on the callback API: health checking (grpc.health.v1), server
// reflection, a metrics interceptor, and a graceful drain. Service handlers stay thin: they
// translate, call a domain class through Handle(), and map its absl::Status at the edge.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/thread_pool.h"
#include "grpcpp/grpcpp.h"
#include "metrics/metrics.h"
#include "rpc/status.h"

namespace himaya::rpc {

struct ServerOptions {
  // host:port; port 0 picks a free one.
  std::string address = "127.0.0.1:0";
  // Callback services (not owned); their full names are reported SERVING by the health service.
  std::vector<grpc::Service*> services;
  std::vector<std::string> service_names;
  // Records every call when set (not owned).
  metrics::RpcMetrics* metrics = nullptr;
  // Mutual TLS (rpc::MutualTlsServerCredentials); null: plaintext, for in-process tests and
  // processes started with --insecure_plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
};

class Server {
 public:
  // Builds and starts the server. UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);
  ~Server();

  int port() const { return port_; }
  // Reports NOT_SERVING, stops accepting calls and waits up to `grace` for calls in flight
  // (then cancels them). Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  Server() = default;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::string> service_names_;
  int port_ = 0;
  bool shut_down_ = false;
};

// Runs `work` on `pool` and finishes the call with its status; returns the reactor to hand back
// to gRPC. `work` fills the response; it must not touch the context after returning. When the
// pool's queue is full the call ends at once, RESOURCE_EXHAUSTED ("server busy, try again");
// a call cancelled or past its deadline by the time a worker takes it ends CANCELLED or
// DEADLINE_EXCEEDED without running `work`. A wait carried by the status (WithRetryAfter) is
// sent as the trailing metadata `retry-after`.
grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* context, core::ThreadPool& pool,
                                 std::function<absl::Status()> work);

}  // namespace himaya::rpc
