// Client side of the suite's gRPC: channels, deadlines on every call, health checks.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace himaya::rpc {

// The deadline of calls that do not choose one.
inline constexpr absl::Duration kDefaultDeadline = absl::Seconds(10);

// A channel to `address` with this process's client credentials (rpc::UseClientCredentials:
// mutual TLS in every process of the suite; plaintext until set).
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);

// `connections` channels to `address`, each on a TCP connection of its own (arguments of its
// own, so that gRPC's subchannel sharing never merges two), as many separate clients would be.
std::vector<std::shared_ptr<grpc::Channel>> NewChannels(const std::string& address, int connections);

// Channels to one service taken in turn, so that a busy client spreads its concurrent calls
// over a few connections: one HTTP/2 connection carries every call over one socket, which
// one of the server's pollers reads. Copies share the turn.
class ChannelPool {
 public:
  ChannelPool() = default;
  // A pool of one channel (implicit, so that a channel is a pool where one is expected).
  ChannelPool(std::shared_ptr<grpc::Channel> channel);  // NOLINT(google-explicit-constructor)
  explicit ChannelPool(std::vector<std::shared_ptr<grpc::Channel>> channels);

  // The next channel in turn; null for an empty pool.
  std::shared_ptr<grpc::Channel> Next() const;
  size_t size() const { return channels_.size(); }
  explicit operator bool() const { return !channels_.empty(); }

 private:
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::shared_ptr<std::atomic<uint64_t>> turn_ = std::make_shared<std::atomic<uint64_t>>(0);
};

// A client context whose call fails with DEADLINE_EXCEEDED after `timeout`.
std::unique_ptr<grpc::ClientContext> NewContext(absl::Duration timeout = kDefaultDeadline);

// Asks grpc.health.v1.Health/Check for `service` ("" for the whole server). Returns true when
// SERVING; an error when the server cannot be reached in time.
absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service = "",
                                 absl::Duration timeout = absl::Seconds(2));

}  // namespace himaya::rpc
