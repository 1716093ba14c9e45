#include "rpc/client.h"

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "rpc/credentials.h"
#include "rpc/status.h"

namespace himaya::rpc {

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  return grpc::CreateChannel(address, ClientCredentials());
}

std::unique_ptr<grpc::ClientContext> NewContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(NewChannel(address));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  auto context = NewContext(timeout);
  grpc::Status status = stub->Check(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace himaya::rpc
