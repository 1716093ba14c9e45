// Client side of the suite's gRPC: channels, deadlines on every call, health checks.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace himaya::rpc {

// The deadline of calls that do not choose one.
inline constexpr absl::Duration kDefaultDeadline = absl::Seconds(10);

// A channel to `address` with this process's client credentials (rpc::UseClientCredentials:
// mutual TLS in every process of the suite; plaintext until set).
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);

// A client context whose call fails with DEADLINE_EXCEEDED after `timeout`.
std::unique_ptr<grpc::ClientContext> NewContext(absl::Duration timeout = kDefaultDeadline);

// Asks grpc.health.v1.Health/Check for `service` ("" for the whole server). Returns true when
// SERVING; an error when the server cannot be reached in time.
absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service = "",
                                 absl::Duration timeout = absl::Seconds(2));

}  // namespace himaya::rpc
