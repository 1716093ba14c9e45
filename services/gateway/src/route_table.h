// The gateway's routes: read once, at start, from the `(himaya.api.v1.http)` options declared on
// the services' methods (http.proto says what each option means), plus the routes handled by
// code (HandRoute). The declarations are checked before anything is served: a gateway whose
// routes name fields that do not exist, or declare one route twice, refuses to start.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/src/pipeline_parts.h"
#include "google/protobuf/descriptor.h"
#include "himaya/api/v1/http.pb.h"

namespace himaya::gateway {

// A path template: `/v1/me/claims/{claim_id}`, `/v1/accounts:activate` (a custom verb after the
// last segment), `/portal/*` (a last segment `*` matching the rest of the path).
class PathTemplate {
 public:
  // INVALID_ARGUMENT saying what is wrong (no leading '/', an empty segment, a malformed
  // `{name}`, a `*` before the end, a variable named twice).
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // Binds the variables when `path` matches (a `*` binds "*" to the rest); false otherwise.
  bool Match(absl::string_view path, std::map<std::string, std::string>* variables) const;
  // The variables' names, in order.
  std::vector<std::string> Variables() const;
  // The template with its variables unnamed (`/v1/me/claims/{}`): two routes are the same when
  // these are.
  std::string Shape() const;
  const std::string& text() const { return text_; }
  bool has_wildcard() const { return !segments_.empty() && segments_.back().kind == Segment::kWildcard; }
  // Orders the templates matching one path: literal segments before variables, variables
  // before a wildcard, from the left.
  bool MoreSpecificThan(const PathTemplate& other) const;

 private:
  struct Segment {
    enum Kind { kLiteral, kVariable, kWildcard } kind = kLiteral;
    // The literal text, or the variable's name.
    std::string text;
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::string verb_;
};

// One route: a declared method's rule, or a hand route.
struct Route {
  std::string method;  // GET, POST, PUT, DELETE
  PathTemplate path;
  api::v1::Access access = api::v1::ACCESS_UNSPECIFIED;
  std::vector<std::string> roles;
  std::string summary;
  // A declared route: the gRPC method and its rule.
  const google::protobuf::MethodDescriptor* grpc_method = nullptr;
  api::v1::HttpRule rule;
  // A hand route (owned by the table).
  const HandRoute* hand = nullptr;

  // "GET /v1/me/claims/{claim_id}": the route's name in logs, metrics and the access audit.
  std::string Name() const { return method + " " + path.text(); }
  // The request fields the caller may not give: the principal, fixed and hidden fields.
  std::vector<std::string> ServerSetFields() const;
};

struct RouteMatch {
  enum Outcome { kMatched, kNoPath, kWrongMethod } outcome = kNoPath;
  const Route* route = nullptr;
  std::map<std::string, std::string> path_params;
  // kWrongMethod: the methods the path has (the Allow header).
  std::vector<std::string> allowed;
};

class RouteTable {
 public:
  // The routes of `services` (their methods' `http` options) and `hand_routes`, checked:
  // INVALID_ARGUMENT naming the route and what is wrong (a path variable or principal, fixed,
  // hidden, owner, audit subject or response body field that the messages lack or that has the
  // wrong type; an access without its roles; a route declared twice).
  static absl::StatusOr<RouteTable> Build(const std::vector<const google::protobuf::ServiceDescriptor*>& services,
                                          std::vector<HandRoute> hand_routes);

  // The route for `method` and `path` (percent-decoded, without the query).
  RouteMatch Match(absl::string_view method, absl::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  // Stable addresses for Route::hand.
  std::vector<std::unique_ptr<HandRoute>> hand_routes_;
};

// The services whose routes the gateway serves: registration, beneficiary and claims (behind)
// and the gateway's own SessionService (in process).
std::vector<const google::protobuf::ServiceDescriptor*> GatewayServices();

}  // namespace himaya::gateway
