// The gateway's calls to the services behind it: one generic unary call per request, by the
// method's full name from its descriptor, on its service's channel (mutual TLS as `gateway`),
// with the backends' deadline. A service's error becomes the envelope's (ErrorFromGrpc), with
// its `retry-after` trailing metadata.
#pragma once

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "gateway/src/api_error.h"
#include "gateway/src/pipeline_parts.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace himaya::gateway {

class BackendCalls {
 public:
  explicit BackendCalls(Backends backends) : backends_(std::move(backends)) {}

  // Calls `method` with `request`; nullopt once `response` is filled, otherwise the error
  // (UNAVAILABLE when the method's service is not one of the backends, DEADLINE_EXCEEDED past
  // the deadline). `request_id` travels as the `x-request-id` metadata.
  std::optional<ApiError> Call(const google::protobuf::MethodDescriptor& method,
                               const google::protobuf::Message& request, google::protobuf::Message* response,
                               absl::string_view request_id) const;

  // The next channel to `service` (a full name); null when none.
  std::shared_ptr<grpc::Channel> ChannelFor(const std::string& service) const;

 private:
  Backends backends_;
};

}  // namespace himaya::gateway
