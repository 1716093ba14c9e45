#include "gateway/src/gateway.h"

#include <exception>

#include "absl/algorithm/container.h"
#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/log.h"
#include "gateway/src/openapi.h"
#include "google/protobuf/message.h"
#include "himaya/gateway/v1/gateway.pb.h"

namespace himaya::gateway {
namespace {

ApiError Error(absl::StatusCode code, std::string message, std::string field = "") {
  ApiError error;
  error.code = code;
  error.message = std::move(message);
  error.field = std::move(field);
  return error;
}

// 401 when the caller holds no credential of the route's kind, 403 when it lacks the role.
std::optional<ApiError> CheckAccess(const Route& route, const Caller& caller) {
  auto need = [&](CallerKind kind, absl::string_view what) -> std::optional<ApiError> {
    if (caller.kind != kind) return Error(absl::StatusCode::kUnauthenticated, absl::StrCat(what, " required"));
    if (!caller.HasAnyRole(route.roles)) {
      return Error(absl::StatusCode::kPermissionDenied,
                   absl::StrCat("this route needs one of: ", absl::StrJoin(route.roles, ", ")));
    }
    return std::nullopt;
  };
  switch (route.access) {
    case api::v1::PUBLIC:
      return std::nullopt;
    case api::v1::INSURED:
      if (caller.kind != CallerKind::kInsured) {
        return Error(absl::StatusCode::kUnauthenticated, "a portal session is required");
      }
      return std::nullopt;
    case api::v1::AGENT:
      return need(CallerKind::kAgent, "an agent's session is");
    case api::v1::API_KEY:
      return need(CallerKind::kApiClient, "an API key is");
    default:
      return Error(absl::StatusCode::kInternal, "route without access");
  }
}

// A request that changes something (not a GET) and that the session cookie authenticates must
// come from the gateway's own pages: refused when the browser says it comes from another site
// (Sec-Fetch-Site: cross-site) or another origin (Origin, when sent, naming another host than the
// request's Host). SameSite=Strict keeps the cookie off such requests in today's browsers; this
// holds for the others too.
std::optional<ApiError> CheckSameOrigin(const HttpRequest& request, const Caller& caller) {
  if (caller.session_key.empty() || request.method == "GET" || request.method == "HEAD") return std::nullopt;
  if (absl::EqualsIgnoreCase(request.Header("sec-fetch-site"), "cross-site")) {
    return Error(absl::StatusCode::kPermissionDenied,
                 "Sec-Fetch-Site: a request from another site may not change anything with the session cookie");
  }
  const std::string origin = request.Header("origin");
  if (origin.empty()) return std::nullopt;
  const size_t scheme = origin.find("://");
  const std::string host = request.Header("host");
  if (scheme == std::string::npos || host.empty() || !absl::EqualsIgnoreCase(origin.substr(scheme + 3), host)) {
    return Error(absl::StatusCode::kPermissionDenied,
                 "Origin: a request from another origin may not change anything with the session cookie");
  }
  return std::nullopt;
}

// Bounds what an agent may write as a reason in the access audit.
constexpr size_t kMaxReasonBytes = 500;

// The distinct non-empty values of the string field at `path` in `message`, through message
// fields repeated or not (a route's audit_answer_subject_field, checked by the route table), in
// the order found.
std::vector<std::string> StringsAt(const google::protobuf::Message& message, absl::string_view path) {
  std::vector<const google::protobuf::Message*> level = {&message};
  std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < names.size(); ++i) {
    std::vector<const google::protobuf::Message*> next;
    for (const google::protobuf::Message* m : level) {
      const google::protobuf::FieldDescriptor* field = m->GetDescriptor()->FindFieldByName(std::string(names[i]));
      const google::protobuf::Reflection* reflection = m->GetReflection();
      if (field->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(*m, field); ++j) {
          next.push_back(&reflection->GetRepeatedMessage(*m, field, j));
        }
      } else if (reflection->HasField(*m, field)) {
        next.push_back(&reflection->GetMessage(*m, field));
      }
    }
    level = std::move(next);
  }
  std::vector<std::string> values;
  for (const google::protobuf::Message* m : level) {
    const google::protobuf::FieldDescriptor* field = m->GetDescriptor()->FindFieldByName(std::string(names.back()));
    std::string value = m->GetReflection()->GetString(*m, field);
    if (!value.empty() && absl::c_find(values, value) == values.end()) values.push_back(std::move(value));
  }
  return values;
}

}  // namespace

std::string NewRequestId() {
  thread_local absl::BitGen bits;
  const uint64_t high = absl::Uniform<uint64_t>(bits);
  const uint64_t low = absl::Uniform<uint64_t>(bits);
  std::string raw(16, '\0');
  for (int i = 0; i < 8; ++i) {
    raw[i] = static_cast<char>(high >> (8 * i));
    raw[8 + i] = static_cast<char>(low >> (8 * i));
  }
  return absl::BytesToHexString(raw);
}

void WriteError(const ApiError& error, bool fhir, absl::string_view request_id, HttpResponse* response,
                int http_status) {
  if (fhir) {
    WriteOperationOutcome(error, request_id, response, http_status);
  } else {
    WriteJsonError(error, request_id, response, http_status);
  }
}

Gateway::Gateway(GatewayParts parts) : parts_(std::move(parts)), backends_(parts_.backends) {}

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(GatewayParts parts) {
  if (parts.authenticator == nullptr || parts.rate_limits == nullptr || parts.access_audit == nullptr) {
    return absl::InvalidArgumentError("gateway: an authenticator, rate limits and an access audit are required");
  }
  if (parts.services.empty()) parts.services = GatewayServices();
  std::vector<HandRoute> hand_routes = std::move(parts.hand_routes);
  // The document describes the table it is served from, itself included: written once built.
  auto openapi = std::make_shared<std::string>();
  HandRoute openapi_route;
  openapi_route.method = "GET";
  openapi_route.path_template = "/openapi.json";
  openapi_route.summary = "This API's OpenAPI 3.0.3 description";
  openapi_route.handle = [openapi](const HttpRequest&, const Caller&, const std::map<std::string, std::string>&,
                                   HttpResponse* response) {
    response->content_type = "application/json";
    response->body = *openapi;
  };
  hand_routes.push_back(std::move(openapi_route));
  std::unique_ptr<Gateway> gateway(new Gateway(std::move(parts)));
  auto table = RouteTable::Build(gateway->parts_.services, std::move(hand_routes));
  if (!table.ok()) return table.status();
  gateway->table_ = *std::move(table);
  *openapi = OpenApiDocument(gateway->table_).dump();
  for (const auto& [name, method] : gateway->parts_.local_methods) {
    if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("gateway: local method ", name, " is no method"));
    }
  }
  prometheus::Registry* registry = gateway->parts_.registry;
  if (registry == nullptr) {
    gateway->own_registry_ = std::make_unique<prometheus::Registry>();
    registry = gateway->own_registry_.get();
  }
  gateway->metrics_ = std::make_unique<GatewayMetrics>(*registry);
  return gateway;
}

void Gateway::Handle(HttpRequest& request, HttpResponse* response) const {
  const absl::Time start = absl::Now();
  request.request_id = NewRequestId();
  metrics_->Started();
  std::string route = kUnmatchedRoute;
  try {
    Serve(request, response, &route);
  } catch (const std::exception& e) {
    log::Error("request failed", {{"route", route}, {"error", e.what()}, {"request_id", request.request_id}});
    *response = HttpResponse{};
    WriteJsonError(Error(absl::StatusCode::kInternal, "internal error"), request.request_id, response);
  }
  Finish(request, route, start, response);
}

void Gateway::Refused(HttpRequest& request, const ApiError& error, int http_status, HttpResponse* response) const {
  const absl::Time start = absl::Now();
  request.request_id = NewRequestId();
  metrics_->Started();
  WriteError(error, absl::StartsWith(request.path, "/fhir/"), request.request_id, response, http_status);
  Finish(request, kUnmatchedRoute, start, response);
}

void Gateway::Serve(const HttpRequest& request, HttpResponse* response, std::string* route_name) const {
  const RouteMatch match = table_.Match(request.method, request.path);
  const bool fhir = match.route != nullptr ? match.route->hand != nullptr && match.route->hand->fhir_errors
                                           : absl::StartsWith(request.path, "/fhir/");
  auto fail = [&](const ApiError& error, int http_status = 0) {
    WriteError(error, fhir, request.request_id, response, http_status);
  };
  if (match.outcome == RouteMatch::kNoPath) return fail(Error(absl::StatusCode::kNotFound, "no such route"));
  if (match.outcome == RouteMatch::kWrongMethod) {
    fail(Error(absl::StatusCode::kUnimplemented,
               absl::StrCat(request.method.size() <= 16 ? request.method : "this method", " is not served here")),
         405);
    response->headers.emplace_back("Allow", absl::StrJoin(match.allowed, ", "));
    return;
  }
  const Route& route = *match.route;
  *route_name = route.path.text();
  absl::StatusOr<Caller> caller = parts_.authenticator->Authenticate(request);
  if (!caller.ok()) {
    // A dead credential (an expired or revoked session, an unknown key) costs the client a token
    // of the tight bucket, so guessing is as slow as logging in. A stale session cookie is
    // cleared; on a PUBLIC route the request goes on as anonymous, so that a browser holding one
    // can still load the portal and log in again.
    Caller anonymous;
    anonymous.client = absl::StrCat("ip:", request.peer);
    if (absl::Duration wait = parts_.rate_limits->Admit(anonymous, RateClass::kCredentials);
        wait > absl::ZeroDuration()) {
      ApiError error = Error(absl::StatusCode::kResourceExhausted, "too many requests; retry later");
      error.retry_after = wait;
      return fail(error);
    }
    if (request.Cookie(kSessionCookie)) response->headers.emplace_back("Set-Cookie", kClearedSessionCookie);
    if (route.access != api::v1::PUBLIC) return fail(ErrorFromStatus(caller.status()));
    caller = std::move(anonymous);
  }
  if (auto refused = CheckSameOrigin(request, *caller)) return fail(*refused);
  if (auto refused = CheckAccess(route, *caller)) return fail(*refused);
  // A PUBLIC route that is not a GET checks or sends credentials (a login, an activation, a code).
  const RateClass rate_class =
      route.access == api::v1::PUBLIC && route.method != "GET" ? RateClass::kCredentials : RateClass::kOrdinary;
  if (absl::Duration wait = parts_.rate_limits->Admit(*caller, rate_class); wait > absl::ZeroDuration()) {
    ApiError error = Error(absl::StatusCode::kResourceExhausted, "too many requests; retry later");
    error.retry_after = wait;
    return fail(error);
  }
  if (route.hand != nullptr) {
    route.hand->handle(request, *caller, match.path_params, response);
    return;
  }
  Call(route, request, match.path_params, *caller, response);
}

void Gateway::Call(const Route& route, const HttpRequest& request,
                   const std::map<std::string, std::string>& path_params, const Caller& caller,
                   HttpResponse* response) const {
  auto fail = [&](const ApiError& error, int http_status = 0) {
    WriteJsonError(error, request.request_id, response, http_status);
  };
  const google::protobuf::MethodDescriptor& method = *route.grpc_method;
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> in(factory->GetPrototype(method.input_type())->New());
  std::unique_ptr<google::protobuf::Message> out(factory->GetPrototype(method.output_type())->New());
  if (auto refused = BuildRequest(route, request, path_params, caller, in.get())) {
    return fail(refused->error, refused->http_status);
  }
  const std::string reason = request.Header(kReasonHeader);
  if (route.rule.audited()) {
    if (reason.empty() || reason.size() > kMaxReasonBytes) {
      return fail(Error(
          absl::StatusCode::kInvalidArgument,
          absl::StrCat("X-Himaya-Reason: the reason of this read is required (at most ", kMaxReasonBytes, " bytes)"),
          "X-Himaya-Reason"));
    }
    if (!route.rule.audit_subject_field().empty()) {
      const std::string subject =
          in->GetReflection()->GetString(*in, method.input_type()->FindFieldByName(route.rule.audit_subject_field()));
      if (auto refused = Audit(route, caller, {subject}, reason, request.request_id)) return fail(*refused);
    }
  }
  auto local = parts_.local_methods.find(method.full_name());
  if (local != parts_.local_methods.end()) {
    absl::Status status = local->second(caller, request, *in, out.get(), response);
    if (!status.ok()) return fail(ErrorFromStatus(status));
  } else if (method.service()->file()->package() == v1::CreateSessionRequest::descriptor()->file()->package()) {
    return fail(Error(absl::StatusCode::kUnimplemented, "this method is not served yet"));
  } else if (auto error = backends_.Call(method, *in, out.get(), request.request_id)) {
    // A route that hides others' resources answers a missing one the same way.
    if (error->code == absl::StatusCode::kNotFound && !route.rule.owner_field().empty()) {
      error->message = kNotFoundMessage;
    }
    return fail(*error);
  }
  if (route.rule.audited() && !route.rule.audit_answer_subject_field().empty()) {
    const std::vector<std::string> subjects = StringsAt(*out, route.rule.audit_answer_subject_field());
    if (auto refused = Audit(route, caller, subjects, reason, request.request_id)) return fail(*refused);
  }
  if (auto refused = WriteAnswer(route, caller, *out, response)) return fail(refused->error, refused->http_status);
}

std::optional<ApiError> Gateway::Audit(const Route& route, const Caller& caller,
                                       const std::vector<std::string>& subjects, absl::string_view reason,
                                       absl::string_view request_id) const {
  for (const std::string& subject : subjects) {
    absl::Status recorded = parts_.access_audit->Record(caller, route.Name(), subject, reason, request_id);
    if (!recorded.ok()) {
      log::Error("access audit failed: nothing answered",
                 {{"route", route.Name()}, {"error", recorded}, {"request_id", request_id}});
      return Error(absl::StatusCode::kUnavailable, "the access audit cannot record this read; nothing was answered");
    }
  }
  return std::nullopt;
}

void Gateway::Finish(const HttpRequest& request, absl::string_view route, absl::Time start,
                     HttpResponse* response) const {
  bool has_cache_control = false;
  for (const auto& [name, value] : response->headers) {
    if (absl::EqualsIgnoreCase(name, "cache-control")) has_cache_control = true;
  }
  response->headers.emplace_back("X-Request-Id", request.request_id);
  response->headers.emplace_back("X-Content-Type-Options", "nosniff");
  response->headers.emplace_back("Referrer-Policy", "no-referrer");
  if (!has_cache_control) response->headers.emplace_back("Cache-Control", "no-store");
  metrics_->Finished(request.method, route, response->status, absl::Now() - start, request.request_id);
}

}  // namespace himaya::gateway
