// The gRPC face of notification: translates messages and reads the store.
#pragma once

#include "core/thread_pool.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "storage/database.h"

namespace himaya::notification {

class NotificationService final : public v1::NotificationService::CallbackService {
 public:
  NotificationService(storage::Database& db, core::ThreadPool& pool) : db_(db), pool_(pool) {}
  grpc::ServerUnaryReactor* ListMessages(grpc::CallbackServerContext* context,
                                         const v1::ListMessagesRequest* request,
                                         v1::ListMessagesResponse* response) override;

 private:
  storage::Database& db_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::notification
