// One unary call to a service, the way every client of the suite makes it: a context with a
// deadline, and the gRPC status mapped back to an absl::Status at the edge. The CLI's commands
// and the end-to-end tests call the services through it instead of writing the steps by hand.
//
//   absl::StatusOr<reg::Person> person =
//       rpc::Call(address, &reg::RegistrationService::Stub::GetPerson, request);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::rpc {

// Calls `method` of `stub` with `request`. Returns the response, or the call's status (the
// service's code and message; DEADLINE_EXCEEDED after `timeout`, UNAVAILABLE when nothing
// answers).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                              const Request& request, absl::Duration timeout = kDefaultDeadline) {
  std::unique_ptr<grpc::ClientContext> context = NewContext(timeout);
  Response response;
  grpc::Status status = (stub.*method)(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// The same on a new channel to `address` (NewChannel: this process's client credentials).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(const std::string& address,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                              const Request& request, absl::Duration timeout = kDefaultDeadline) {
  Stub stub(NewChannel(address));
  return Call(stub, method, request, timeout);
}

}  // namespace himaya::rpc
