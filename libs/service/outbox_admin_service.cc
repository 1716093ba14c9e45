#include "service/outbox_admin_service.h"

#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/credentials.h"
#include "rpc/server.h"

namespace himaya::service {

grpc::ServerUnaryReactor* OutboxAdminService::GetOutbox(grpc::CallbackServerContext* context,
                                                        const events::v1::GetOutboxRequest* request,
                                                        events::v1::OutboxStatus* response) {
  return rpc::Handle(context, pool_, [this, response]() -> absl::Status {
    response->set_service(service_);
    ASSIGN_OR_RETURN(int64_t pending, relay_.Depth());
    ASSIGN_OR_RETURN(int64_t set_aside, relay_.SetAside());
    response->set_pending(pending);
    response->set_set_aside(set_aside);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OutboxAdminService::ReplayOutbox(grpc::CallbackServerContext* context,
                                                           const events::v1::ReplayOutboxRequest* request,
                                                           events::v1::ReplayOutboxResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    // A replay is an operator's act: only agents' command line may ask for one.
    RETURN_IF_ERROR(rpc::RequireCaller(*context, {"cli"}));
    if (!request->has_since()) return absl::InvalidArgumentError("since: required");
    const absl::Time since =
        absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(request->since()));
    if (since > clock_.Now()) return absl::InvalidArgumentError("since: in the future");
    absl::Time until = absl::InfiniteFuture();
    if (request->has_until()) {
      until = absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(request->until()));
      if (until <= since) return absl::InvalidArgumentError("until: not after since");
    }
    ASSIGN_OR_RETURN(int64_t replayed, relay_.Replay(since, until));
    response->set_service(service_);
    response->set_replayed(replayed);
    return absl::OkStatus();
  });
}

}  // namespace himaya::service
