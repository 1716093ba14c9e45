// The gRPC face of notification: translates requests into domain calls, and domain answers
// (messages, campaigns) into protos. It holds no rules and reads no database.
#pragma once

#include "core/thread_pool.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "notification/src/campaigns.h"
#include "notification/src/requests.h"

namespace himaya::notification {

class NotificationService final : public v1::NotificationService::CallbackService {
 public:
  NotificationService(MessageRequests& requests, Campaigns& campaigns, core::ThreadPool& pool)
      : requests_(requests), campaigns_(campaigns), pool_(pool) {}
  grpc::ServerUnaryReactor* ListMessages(grpc::CallbackServerContext* context, const v1::ListMessagesRequest* request,
                                         v1::ListMessagesResponse* response) override;
  grpc::ServerUnaryReactor* SetOptOut(grpc::CallbackServerContext* context, const v1::SetOptOutRequest* request,
                                      v1::SetOptOutResponse* response) override;
  grpc::ServerUnaryReactor* Resend(grpc::CallbackServerContext* context, const v1::ResendRequest* request,
                                   v1::Message* response) override;
  grpc::ServerUnaryReactor* StartCampaign(grpc::CallbackServerContext* context, const v1::StartCampaignRequest* request,
                                          v1::Campaign* response) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context, const v1::GetCampaignRequest* request,
                                        v1::Campaign* response) override;

 private:
  MessageRequests& requests_;
  Campaigns& campaigns_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::notification
