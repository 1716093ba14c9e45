#include "gateway/src/backend_call.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

// What a caller is told of a backend that failed rather than answered.
const char* OpaqueMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
      return "the service is unavailable; try again";
    case absl::StatusCode::kDeadlineExceeded:
      return "the service did not answer in time; try again";
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return "internal error";
    default:
      return nullptr;
  }
}

}  // namespace

std::shared_ptr<grpc::Channel> BackendCalls::ChannelFor(const std::string& service) const {
  if (service == registration::v1::RegistrationService::service_full_name()) return backends_.registration.Next();
  if (service == beneficiary::v1::BeneficiaryService::service_full_name()) return backends_.beneficiary.Next();
  if (service == claims::v1::ClaimsService::service_full_name()) return backends_.claims.Next();
  return nullptr;
}

std::optional<ApiError> BackendCalls::Call(const google::protobuf::MethodDescriptor& method,
                                           const google::protobuf::Message& request,
                                           google::protobuf::Message* response, absl::string_view request_id) const {
  std::shared_ptr<grpc::Channel> channel = ChannelFor(method.service()->full_name());
  if (channel == nullptr) {
    ApiError error;
    error.code = absl::StatusCode::kUnavailable;
    error.message = absl::StrCat(method.service()->name(), " is not reachable from the gateway");
    return error;
  }
  grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message> stub(channel);
  std::unique_ptr<grpc::ClientContext> context = rpc::NewContext(backends_.deadline);
  context->AddMetadata("x-request-id", std::string(request_id));
  // The calling thread waits on a queue of the call's own and reaps the answer itself, as gRPC's
  // synchronous stubs do: no hand-over from one of gRPC's threads (a wake-up and a context
  // switch more per request, which the benchmark showed).
  grpc::CompletionQueue queue;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<google::protobuf::Message>> call = stub.PrepareUnaryCall(
      context.get(), absl::StrCat("/", method.service()->full_name(), "/", method.name()), request, &queue);
  call->StartCall();
  call->Finish(response, &status, &queue);
  void* tag = nullptr;
  bool ok = false;
  if (!queue.Next(&tag, &ok) || tag != &queue) status = grpc::Status(grpc::StatusCode::INTERNAL, "no answer reaped");
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (status.ok()) return std::nullopt;
  const auto& trailers = context->GetServerTrailingMetadata();
  auto retry = trailers.find("retry-after");
  absl::string_view retry_after;
  if (retry != trailers.end()) retry_after = absl::string_view(retry->second.data(), retry->second.size());
  ApiError error = ErrorFromGrpc(status, retry_after);
  if (const char* opaque = OpaqueMessage(error.code)) {
    // A transport's or a fault's words (addresses, ports, a service's internals) stay in the log.
    log::Warn("backend call failed", {{"method", method.full_name()},
                                      {"code", rpc::CodeName(status.error_code())},
                                      {"detail", status.error_message()},
                                      {"request_id", std::string(request_id)}});
    error.message = opaque;
  }
  return error;
}

}  // namespace himaya::gateway
