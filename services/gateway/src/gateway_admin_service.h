// The gRPC face of the gateway's administration (GatewayAdminService), for the CLI only: agents,
// API keys and the access audit log. Every call must come from the `cli` identity (mutual TLS);
// handlers translate and delegate to Agents, ApiKeys and AccessLog.
#pragma once

#include <functional>

#include "core/thread_pool.h"
#include "gateway/src/access_log.h"
#include "gateway/src/agents.h"
#include "gateway/src/api_keys.h"
#include "himaya/gateway/v1/gateway.grpc.pb.h"

namespace himaya::gateway {

class GatewayAdminService final : public v1::GatewayAdminService::CallbackService {
 public:
  GatewayAdminService(core::ThreadPool& pool, Agents& agents, ApiKeys& keys, AccessLog& access)
      : pool_(pool), agents_(agents), keys_(keys), access_(access) {}

  grpc::ServerUnaryReactor* AddAgent(grpc::CallbackServerContext* context, const v1::AddAgentRequest* request,
                                     v1::Agent* response) override;
  grpc::ServerUnaryReactor* ListAgents(grpc::CallbackServerContext* context, const v1::ListAgentsRequest* request,
                                       v1::ListAgentsResponse* response) override;
  grpc::ServerUnaryReactor* DisableAgent(grpc::CallbackServerContext* context, const v1::DisableAgentRequest* request,
                                         v1::Agent* response) override;
  grpc::ServerUnaryReactor* CreateApiKey(grpc::CallbackServerContext* context, const v1::CreateApiKeyRequest* request,
                                         v1::ApiKey* response) override;
  grpc::ServerUnaryReactor* ListApiKeys(grpc::CallbackServerContext* context, const v1::ListApiKeysRequest* request,
                                        v1::ListApiKeysResponse* response) override;
  grpc::ServerUnaryReactor* RevokeApiKey(grpc::CallbackServerContext* context, const v1::RevokeApiKeyRequest* request,
                                         v1::ApiKey* response) override;
  grpc::ServerUnaryReactor* ListAccessRecords(grpc::CallbackServerContext* context,
                                              const v1::ListAccessRecordsRequest* request,
                                              v1::ListAccessRecordsResponse* response) override;

 private:
  // Runs `work` on the pool once the caller is found to be `cli` (PERMISSION_DENIED otherwise).
  grpc::ServerUnaryReactor* AsAdministrator(grpc::CallbackServerContext* context, std::function<absl::Status()> work);

  core::ThreadPool& pool_;
  Agents& agents_;
  ApiKeys& keys_;
  AccessLog& access_;
};

}  // namespace himaya::gateway
