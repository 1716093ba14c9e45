#include "rpc/client.h"

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "rpc/credentials.h"
#include "rpc/status.h"

namespace himaya::rpc {

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  return grpc::CreateChannel(address, ClientCredentials());
}

std::vector<std::shared_ptr<grpc::Channel>> NewChannels(const std::string& address, int connections) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < connections; ++c) {
    grpc::ChannelArguments arguments;
    // Channels of different arguments never share a subchannel, hence a connection.
    arguments.SetInt("himaya.connection", c);
    channels.push_back(grpc::CreateCustomChannel(address, ClientCredentials(), arguments));
  }
  return channels;
}

ChannelPool::ChannelPool(std::shared_ptr<grpc::Channel> channel) {
  if (channel != nullptr) channels_.push_back(std::move(channel));
}

ChannelPool::ChannelPool(std::vector<std::shared_ptr<grpc::Channel>> channels) : channels_(std::move(channels)) {}

std::shared_ptr<grpc::Channel> ChannelPool::Next() const {
  if (channels_.empty()) return nullptr;
  return channels_[turn_->fetch_add(1, std::memory_order_relaxed) % channels_.size()];
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
