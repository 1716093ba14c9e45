#include "gateway/src/session_methods.h"

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/api_error.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/gateway/v1/gateway.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

namespace gv1 = himaya::gateway::v1;
namespace rv1 = himaya::registration::v1;
using google::protobuf::Message;

constexpr size_t kMaxCredentialLength = 1024;

std::string MethodName(const char* method) {
  return gv1::Session::descriptor()->file()->FindServiceByName("SessionService")->FindMethodByName(method)->full_name();
}

// The request as its type; INTERNAL when the pipeline handed another (a wiring fault).
template <typename T>
absl::StatusOr<const T*> As(const Message& message) {
  if (message.GetDescriptor() != T::descriptor()) {
    return absl::InternalError("session method called with the wrong request type");
  }
  return static_cast<const T*>(&message);
}

absl::Status CheckCredentials(const char* id_field, const std::string& id, const std::string& password) {
  if (id.empty() || id.size() > kMaxCredentialLength) {
    return absl::InvalidArgumentError(absl::StrCat(id_field, ": required, at most 1024 characters"));
  }
  if (password.empty() || password.size() > kMaxCredentialLength) {
    return absl::InvalidArgumentError("password: required, at most 1024 characters");
  }
  return absl::OkStatus();
}

// Registration's refusal, its `retry-after` (seconds) kept.
absl::Status FromRegistration(const grpc::Status& status, const grpc::ClientContext& context) {
  absl::Status out = rpc::FromGrpcStatus(status);
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("retry-after");
  int64_t seconds = 0;
  if (it != trailers.end() && absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()), &seconds) &&
      seconds > 0) {
    out = rpc::WithRetryAfter(std::move(out), absl::Seconds(seconds));
  }
  return out;
}

absl::Status Answer(const Sessions& sessions, const OpenedSession& opened, Message* response, HttpResponse* http) {
  if (response->GetDescriptor() != gv1::Session::descriptor()) {
    return absl::InternalError("session method called with the wrong response type");
  }
  auto* session = static_cast<gv1::Session*>(response);
  *session->mutable_expires_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(opened.session.expires_at));
  session->set_kind(std::string(SessionKindName(opened.session.kind)));
  session->set_subject(opened.session.subject);
  for (const std::string& role : opened.session.roles) session->add_roles(role);
  http->headers.emplace_back("Set-Cookie", sessions.Cookie(opened));
  http->headers.emplace_back("Cache-Control", "no-store");
  return absl::OkStatus();
}

}  // namespace

LocalMethods SessionMethods(Sessions& sessions, Agents& agents, const Backends& backends) {
  LocalMethods methods;
  std::shared_ptr<rv1::RegistrationService::Stub> registration =
      backends.registration ? rv1::RegistrationService::NewStub(backends.registration.Next()) : nullptr;
  const absl::Duration deadline = backends.deadline;
  methods[MethodName("CreateSession")] = [&sessions, registration, deadline](const Caller&, const HttpRequest&,
                                                                             const Message& message, Message* response,
                                                                             HttpResponse* http) -> absl::Status {
    ASSIGN_OR_RETURN(const gv1::CreateSessionRequest* request, As<gv1::CreateSessionRequest>(message));
    RETURN_IF_ERROR(CheckCredentials("registration_number", request->registration_number(), request->password()));
    if (registration == nullptr) return absl::UnavailableError("registration is not reachable");
    rv1::AuthenticateAccountRequest check;
    check.set_registration_number(request->registration_number());
    check.set_password(request->password());
    rv1::AuthenticateAccountResponse account;
    std::unique_ptr<grpc::ClientContext> context = rpc::NewContext(deadline);
    grpc::Status status = registration->AuthenticateAccount(context.get(), check, &account);
    if (!status.ok()) return FromRegistration(status, *context);
    ASSIGN_OR_RETURN(OpenedSession opened, sessions.Open(SessionKind::kInsured, account.registration_number(), {}));
    return Answer(sessions, opened, response, http);
  };
  methods[MethodName("CreateAgentSession")] = [&sessions, &agents](const Caller&, const HttpRequest&,
                                                                   const Message& message, Message* response,
                                                                   HttpResponse* http) -> absl::Status {
    ASSIGN_OR_RETURN(const gv1::CreateAgentSessionRequest* request, As<gv1::CreateAgentSessionRequest>(message));
    RETURN_IF_ERROR(CheckCredentials("agent_id", request->agent_id(), request->password()));
    ASSIGN_OR_RETURN(AgentView agent, agents.Authenticate(request->agent_id(), request->password()));
    ASSIGN_OR_RETURN(OpenedSession opened, sessions.Open(SessionKind::kAgent, agent.agent_id, agent.roles));
    return Answer(sessions, opened, response, http);
  };
  methods[MethodName("DeleteSession")] = [&sessions](const Caller& caller, const HttpRequest&, const Message&, Message*,
                                                     HttpResponse* http) -> absl::Status {
    if (caller.session_key.empty()) return absl::UnauthenticatedError(kSessionRefused);
    RETURN_IF_ERROR(sessions.Revoke(caller.session_key));
    http->headers.emplace_back("Set-Cookie", Sessions::ClearedCookie());
    return absl::OkStatus();
  };
  return methods;
}

}  // namespace himaya::gateway
