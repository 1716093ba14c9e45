// The OutboxAdmin gRPC service every service process serves: where its outbox stands, and an
// operator's replay of retained published events (callers with the "cli" identity only). A thin
// handler over the outbox relay.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/thread_pool.h"
#include "events/outbox.h"
#include "himaya/events/v1/outbox_admin.grpc.pb.h"

namespace himaya::service {

class OutboxAdminService final : public events::v1::OutboxAdmin::CallbackService {
 public:
  // `service` names the answering service in responses; nothing is owned.
  OutboxAdminService(std::string service, events::OutboxRelay& relay, const core::Clock& clock, core::ThreadPool& pool)
      : service_(std::move(service)), relay_(relay), clock_(clock), pool_(pool) {}

  grpc::ServerUnaryReactor* GetOutbox(grpc::CallbackServerContext* context, const events::v1::GetOutboxRequest* request,
                                      events::v1::OutboxStatus* response) override;
  grpc::ServerUnaryReactor* ReplayOutbox(grpc::CallbackServerContext* context,
                                         const events::v1::ReplayOutboxRequest* request,
                                         events::v1::ReplayOutboxResponse* response) override;

 private:
  std::string service_;
  events::OutboxRelay& relay_;
  const core::Clock& clock_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::service
