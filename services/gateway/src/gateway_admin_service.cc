#include "gateway/src/gateway_admin_service.h"

#include <string>
#include <vector>

#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/credentials.h"
#include "rpc/server.h"

namespace himaya::gateway {
namespace {

using google::protobuf::util::TimeUtil;

// The only identity allowed to administer the gateway.
const std::vector<std::string>& Administrators() {
  static const std::vector<std::string> cli = {"cli"};
  return cli;
}

void ToProto(const AgentView& a, v1::Agent* out) {
  out->set_agent_id(a.agent_id);
  out->set_display_name(a.display_name);
  for (const std::string& role : a.roles) out->add_roles(role);
  *out->mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(a.created_at));
  out->set_disabled(a.disabled);
}

void ToProto(const ApiKeyView& k, v1::ApiKey* out) {
  out->set_key_id(k.key_id);
  out->set_client_id(k.client_id);
  for (const std::string& scope : k.scopes) out->add_scopes(scope);
  out->set_secret(k.key);
  *out->mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(k.created_at));
  out->set_revoked(k.revoked);
}

void ToProto(const AccessRecord& r, v1::AccessRecord* out) {
  *out->mutable_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(r.at));
  out->set_agent_id(r.agent_id);
  out->set_action(r.action);
  out->set_subject(r.subject);
  out->set_reason(r.reason);
  out->set_request_id(r.request_id);
}

}  // namespace

grpc::ServerUnaryReactor* GatewayAdminService::AsAdministrator(grpc::CallbackServerContext* context,
                                                               std::function<absl::Status()> work) {
  return rpc::Handle(context, pool_, [context, work = std::move(work)]() -> absl::Status {
    RETURN_IF_ERROR(rpc::RequireCaller(*context, Administrators()));
    return work();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::AddAgent(grpc::CallbackServerContext* context,
                                                        const v1::AddAgentRequest* request, v1::Agent* response) {
  return AsAdministrator(context, [this, request, response]() -> absl::Status {
    NewAgent agent{request->agent_id(), request->display_name(),
                   std::vector<std::string>(request->roles().begin(), request->roles().end()), request->password()};
    ASSIGN_OR_RETURN(AgentView added, agents_.Add(agent));
    ToProto(added, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::ListAgents(grpc::CallbackServerContext* context,
                                                          const v1::ListAgentsRequest*,
                                                          v1::ListAgentsResponse* response) {
  return AsAdministrator(context, [this, response]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<AgentView> agents, agents_.List());
    for (const AgentView& a : agents) ToProto(a, response->add_agents());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::DisableAgent(grpc::CallbackServerContext* context,
                                                            const v1::DisableAgentRequest* request,
                                                            v1::Agent* response) {
  return AsAdministrator(context, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(AgentView agent, agents_.Disable(request->agent_id()));
    ToProto(agent, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::CreateApiKey(grpc::CallbackServerContext* context,
                                                            const v1::CreateApiKeyRequest* request,
                                                            v1::ApiKey* response) {
  return AsAdministrator(context, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ApiKeyView key,
                     keys_.Create(request->client_id(),
                                  std::vector<std::string>(request->scopes().begin(), request->scopes().end())));
    ToProto(key, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::ListApiKeys(grpc::CallbackServerContext* context,
                                                           const v1::ListApiKeysRequest*,
                                                           v1::ListApiKeysResponse* response) {
  return AsAdministrator(context, [this, response]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<ApiKeyView> keys, keys_.List());
    for (const ApiKeyView& k : keys) ToProto(k, response->add_keys());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::RevokeApiKey(grpc::CallbackServerContext* context,
                                                            const v1::RevokeApiKeyRequest* request,
                                                            v1::ApiKey* response) {
  return AsAdministrator(context, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ApiKeyView key, keys_.Revoke(request->key_id()));
    ToProto(key, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayAdminService::ListAccessRecords(grpc::CallbackServerContext* context,
                                                                 const v1::ListAccessRecordsRequest* request,
                                                                 v1::ListAccessRecordsResponse* response) {
  return AsAdministrator(context, [this, request, response]() -> absl::Status {
    AccessFilter filter{request->agent_id(), request->subject(), std::nullopt};
    if (request->has_since()) {
      filter.since = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request->since()));
    }
    ASSIGN_OR_RETURN(AccessPage page, access_.List(filter, request->page_size(), request->page_token()));
    for (const AccessRecord& r : page.records) ToProto(r, response->add_records());
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace himaya::gateway
