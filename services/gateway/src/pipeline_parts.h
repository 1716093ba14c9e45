// What the gateway's request pipeline (gateway.h) asks of its parts, so that each is built and
// tested on its own: who is calling (sessions and API keys), how much they may call, what an
// agent's read leaves in the access audit, the methods served in process, the routes handled by
// code (FHIR, the portal's files), and the services behind.
//
// A request goes: request id -> route matched (404 otherwise) -> Authenticate (a cookie-
// authenticated change from another origin: 403) -> access checked
// against the route's declaration (401/403) -> RateLimits::Admit (429) -> for an audited agent
// route, AccessAudit::Record before anything is read -> the backend call (or local method, or
// hand route) with a deadline -> the answer, or the one error envelope.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/src/caller.h"
#include "gateway/src/http_exchange.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "himaya/api/v1/http.pb.h"
#include "rpc/client.h"

namespace himaya::gateway {

// The cookie holding a session's token (HttpOnly; Secure; SameSite=Strict; Path=/; no Domain).
// The __Host- prefix makes a browser refuse it unless it is Secure, for the path / and set by
// this very host: a sibling subdomain cannot plant one (cookie tossing).
inline constexpr char kSessionCookie[] = "__Host-himaya_session";
// The Set-Cookie value that makes a browser forget the session cookie.
inline constexpr char kClearedSessionCookie[] =
    "__Host-himaya_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict";
// The header holding an API key: `Authorization: ApiKey <key_id>.<secret>`.
inline constexpr char kApiKeyScheme[] = "ApiKey";
// The header in which an agent gives the reason of an audited read.
inline constexpr char kReasonHeader[] = "x-himaya-reason";

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller: from the session cookie, else an API key, else anonymous (its `client` the
  // peer's address). UNAUTHENTICATED for a credential present but unknown, expired or revoked
  // (the message never says which).
  virtual absl::StatusOr<Caller> Authenticate(const HttpRequest& request) = 0;
};

// Which buckets a request draws from. Every request: its client's, and its account's when it has
// one. A PUBLIC route that checks or sends credentials (a login, an activation, a code resent;
// the pipeline counts every PUBLIC route but GET as one) also draws from a tighter bucket of its
// client's.
enum class RateClass { kOrdinary, kCredentials };

class RateLimits {
 public:
  virtual ~RateLimits() = default;
  // Per client (address or API key) and per account (insured or agent): zero when admitted,
  // otherwise how long to wait (sent as Retry-After with 429).
  virtual absl::Duration Admit(const Caller& caller, RateClass rate_class) = 0;
};

class AccessAudit {
 public:
  virtual ~AccessAudit() = default;
  // Durably records that `agent` (an agent, or an API client reading through FHIR) ran `action`
  // (the route's method and template) on `subject` (a registration number or beneficiary id) for
  // `reason`. An error refuses the read (nothing is answered
  // unrecorded).
  virtual absl::Status Record(const Caller& agent, absl::string_view action, absl::string_view subject,
                              absl::string_view reason, absl::string_view request_id) = 0;
};

// A method of a service served inside the gateway (himaya.gateway.v1.SessionService): called
// with the request transcoded like any other; it may add headers (Set-Cookie) to `http`.
using LocalMethod = std::function<absl::Status(const Caller& caller, const HttpRequest& request,
                                               const google::protobuf::Message& message,
                                               google::protobuf::Message* response, HttpResponse* http)>;
// Full method name ("himaya.gateway.v1.SessionService.CreateSession") -> its implementation.
using LocalMethods = std::map<std::string, LocalMethod>;

// A route handled by code rather than declared on a proto (FHIR R4, the portal's files,
// /openapi.json). It is matched, authenticated, checked and rate limited like the others, and
// described in the OpenAPI document from these fields.
struct HandRoute {
  std::string method;
  // Segments `{name}` bind path parameters; a last segment `*` matches the rest of the path.
  std::string path_template;
  api::v1::Access access = api::v1::PUBLIC;
  std::vector<std::string> roles;
  std::string summary;
  // Of a success (application/json, application/fhir+json, text/html, ...).
  std::string content_type = "application/json";
  // Errors as FHIR OperationOutcome instead of the JSON envelope.
  bool fhir_errors = false;
  // Static files are left out of the OpenAPI document.
  bool in_openapi = true;
  std::function<void(const HttpRequest& request, const Caller& caller,
                     const std::map<std::string, std::string>& path_params, HttpResponse* response)>
      handle;
};

// The services behind the gateway, over mutual TLS as `gateway`.
struct Backends {
  // A few connections to each (--backend_connections), taken in turn by each call.
  rpc::ChannelPool registration;
  rpc::ChannelPool beneficiary;
  rpc::ChannelPool claims;
  // Of every backend call.
  absl::Duration deadline = absl::Seconds(3);
};

}  // namespace himaya::gateway
