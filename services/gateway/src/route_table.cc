#include "gateway/src/route_table.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "himaya/beneficiary/v1/beneficiary.pb.h"
#include "himaya/claims/v1/claims.pb.h"
#include "himaya/gateway/v1/gateway.pb.h"
#include "himaya/registration/v1/registration.pb.h"

namespace himaya::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

bool IsName(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

// The path's segments after its leading '/': none for "/".
std::vector<absl::string_view> SplitPath(absl::string_view path) {
  path.remove_prefix(1);
  if (path.empty()) return {};
  return absl::StrSplit(path, '/');
}

bool IsScalar(const FieldDescriptor* field) { return field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE; }

bool IsSingleString(const FieldDescriptor* field) {
  return field != nullptr && field->type() == FieldDescriptor::TYPE_STRING && !field->is_repeated();
}

// `path` ("claims.registration_number") goes through message fields, repeated or not, to a
// single string field.
bool IsStringPath(const Descriptor* message, absl::string_view path) {
  std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < names.size(); ++i) {
    const FieldDescriptor* field = message->FindFieldByName(std::string(names[i]));
    if (field == nullptr || field->message_type() == nullptr || field->is_map()) return false;
    message = field->message_type();
  }
  return IsSingleString(message->FindFieldByName(std::string(names.back())));
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("path \"", text, "\": ", why));
  };
  if (!absl::StartsWith(text, "/")) return bad("must start with '/'");
  PathTemplate t;
  t.text_ = std::string(text);
  std::vector<absl::string_view> parts = SplitPath(text);
  std::set<std::string> names;
  for (size_t i = 0; i < parts.size(); ++i) {
    absl::string_view part = parts[i];
    const bool last = i + 1 == parts.size();
    if (last) {
      size_t colon = part.rfind(':');
      if (colon != absl::string_view::npos && part.find('}', colon) == absl::string_view::npos) {
        t.verb_ = std::string(part.substr(colon + 1));
        part = part.substr(0, colon);
        if (t.verb_.empty()) return bad("an empty custom verb");
      }
    }
    if (part.empty()) return bad("an empty segment");
    Segment segment;
    if (part == "*") {
      if (!last || !t.verb_.empty()) return bad("'*' only as the last segment, without a verb");
      segment.kind = Segment::kWildcard;
    } else if (absl::StartsWith(part, "{")) {
      if (!absl::EndsWith(part, "}")) return bad("a '{' without its '}'");
      segment.kind = Segment::kVariable;
      segment.text = std::string(part.substr(1, part.size() - 2));
      if (!IsName(segment.text)) return bad(absl::StrCat("\"", part, "\" is not a {field} segment"));
      if (!names.insert(segment.text).second) return bad(absl::StrCat("{", segment.text, "} given twice"));
    } else {
      if (absl::StrContains(part, "{") || absl::StrContains(part, "}")) return bad("a brace inside a segment");
      segment.text = std::string(part);
    }
    t.segments_.push_back(std::move(segment));
  }
  return t;
}

bool PathTemplate::Match(absl::string_view path, std::map<std::string, std::string>* variables) const {
  if (!absl::StartsWith(path, "/")) return false;
  if (!verb_.empty()) {
    const std::string suffix = absl::StrCat(":", verb_);
    if (!absl::EndsWith(path, suffix)) return false;
    path.remove_suffix(suffix.size());
  }
  std::vector<absl::string_view> parts = SplitPath(path);
  std::map<std::string, std::string> bound;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.kind == Segment::kWildcard) {
      if (i > parts.size()) return false;
      std::vector<absl::string_view> rest(parts.begin() + static_cast<long>(i), parts.end());
      bound["*"] = absl::StrJoin(rest, "/");
      *variables = std::move(bound);
      return true;
    }
    if (i >= parts.size()) return false;
    if (s.kind == Segment::kLiteral) {
      if (parts[i] != s.text) return false;
    } else {
      if (parts[i].empty()) return false;
      bound[s.text] = std::string(parts[i]);
    }
  }
  if (parts.size() != segments_.size()) return false;
  *variables = std::move(bound);
  return true;
}

std::vector<std::string> PathTemplate::Variables() const {
  std::vector<std::string> names;
  for (const Segment& s : segments_) {
    if (s.kind == Segment::kVariable) names.push_back(s.text);
  }
  return names;
}

std::string PathTemplate::Shape() const {
  std::string shape;
  for (const Segment& s : segments_) {
    absl::StrAppend(&shape, "/", s.kind == Segment::kLiteral ? s.text : s.kind == Segment::kVariable ? "{}" : "*");
  }
  if (shape.empty()) shape = "/";
  if (!verb_.empty()) absl::StrAppend(&shape, ":", verb_);
  return shape;
}

bool PathTemplate::MoreSpecificThan(const PathTemplate& other) const {
  for (size_t i = 0; i < segments_.size() && i < other.segments_.size(); ++i) {
    if (segments_[i].kind != other.segments_[i].kind) return segments_[i].kind < other.segments_[i].kind;
  }
  return segments_.size() > other.segments_.size();
}

std::vector<std::string> Route::ServerSetFields() const {
  std::vector<std::string> fields;
  if (!rule.principal_field().empty()) fields.push_back(rule.principal_field());
  for (const auto& fixed : rule.fixed()) fields.push_back(fixed.field());
  for (const auto& hidden : rule.hidden_fields()) fields.push_back(hidden);
  return fields;
}

namespace {

// The checks of one declared route against its method's messages.
absl::Status CheckDeclaredRoute(const Route& route) {
  const api::v1::HttpRule& rule = route.rule;
  const Descriptor* in = route.grpc_method->input_type();
  const Descriptor* out = route.grpc_method->output_type();
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("route ", route.Name(), " (", route.grpc_method->full_name(), "): ", why));
  };
  if (rule.access() == api::v1::ACCESS_UNSPECIFIED) return bad("no access declared");
  if ((rule.access() == api::v1::AGENT || rule.access() == api::v1::API_KEY) && rule.roles().empty()) {
    return bad("AGENT and API_KEY routes name the roles (scopes) allowed");
  }
  if (!rule.body().empty() && rule.body() != "*") return bad("body is \"*\" or empty");
  if (rule.body() == "*" && (route.method == "GET" || route.method == "DELETE")) {
    return bad("a GET or DELETE takes no body");
  }
  std::set<std::string> path_fields;
  for (const std::string& variable : route.path.Variables()) {
    const FieldDescriptor* field = in->FindFieldByName(variable);
    if (field == nullptr) return bad(absl::StrCat("path variable {", variable, "} names no field of ", in->name()));
    if (!IsScalar(field) || field->is_repeated()) {
      return bad(absl::StrCat("path variable {", variable, "} is not a single scalar field"));
    }
    path_fields.insert(variable);
  }
  if (!rule.principal_field().empty()) {
    if (rule.access() != api::v1::INSURED) return bad("principal_field on a route that is not INSURED");
    if (!IsSingleString(in->FindFieldByName(rule.principal_field()))) {
      return bad(
          absl::StrCat("principal_field \"", rule.principal_field(), "\" is not a string field of ", in->name()));
    }
  }
  for (const auto& fixed : rule.fixed()) {
    const FieldDescriptor* field = in->FindFieldByName(fixed.field());
    if (field == nullptr || !IsScalar(field) || field->is_repeated()) {
      return bad(absl::StrCat("fixed field \"", fixed.field(), "\" is not a single scalar field of ", in->name()));
    }
  }
  for (const std::string& hidden : rule.hidden_fields()) {
    if (in->FindFieldByName(hidden) == nullptr) {
      return bad(absl::StrCat("hidden field \"", hidden, "\" names no field of ", in->name()));
    }
  }
  for (const std::string& field : route.ServerSetFields()) {
    if (path_fields.count(field) > 0) return bad(absl::StrCat("field \"", field, "\" is both in the path and set"));
  }
  if (!rule.owner_field().empty()) {
    if (rule.access() != api::v1::INSURED) return bad("owner_field on a route that is not INSURED");
    if (!IsSingleString(out->FindFieldByName(rule.owner_field()))) {
      return bad(absl::StrCat("owner_field \"", rule.owner_field(), "\" is not a string field of ", out->name()));
    }
  }
  if (!rule.response_body().empty()) {
    const FieldDescriptor* field = out->FindFieldByName(rule.response_body());
    if (field == nullptr || field->type() != FieldDescriptor::TYPE_BYTES || field->is_repeated()) {
      return bad(absl::StrCat("response_body \"", rule.response_body(), "\" is not a bytes field of ", out->name()));
    }
    if (rule.response_content_type().empty()) return bad("response_body without response_content_type");
  }
  if (rule.audited()) {
    if (rule.access() != api::v1::AGENT) return bad("audited on a route that is not AGENT");
    if (rule.audit_subject_field().empty() == rule.audit_answer_subject_field().empty()) {
      return bad("audited with exactly one of audit_subject_field and audit_answer_subject_field");
    }
    if (!rule.audit_subject_field().empty() && !IsSingleString(in->FindFieldByName(rule.audit_subject_field()))) {
      return bad(absl::StrCat("audit_subject_field \"", rule.audit_subject_field(), "\" is not a string field of ",
                              in->name()));
    }
    if (!rule.audit_answer_subject_field().empty() && !IsStringPath(out, rule.audit_answer_subject_field())) {
      return bad(absl::StrCat("audit_answer_subject_field \"", rule.audit_answer_subject_field(),
                              "\" is no path of message fields to a string field of ", out->name()));
    }
  } else if (!rule.audit_subject_field().empty() || !rule.audit_answer_subject_field().empty()) {
    return bad("an audit subject on a route that is not audited");
  }
  if (rule.success_status() != 0 && (rule.success_status() < 200 || rule.success_status() > 299)) {
    return bad("success_status is a 2xx status");
  }
  return absl::OkStatus();
}

absl::StatusOr<Route> DeclaredRoute(const google::protobuf::MethodDescriptor* method, const api::v1::HttpRule& rule) {
  Route route;
  route.grpc_method = method;
  route.rule = rule;
  std::string path;
  switch (rule.pattern_case()) {
    case api::v1::HttpRule::kGet:
      route.method = "GET", path = rule.get();
      break;
    case api::v1::HttpRule::kPost:
      route.method = "POST", path = rule.post();
      break;
    case api::v1::HttpRule::kPut:
      route.method = "PUT", path = rule.put();
      break;
    case api::v1::HttpRule::kDelete:
      route.method = "DELETE", path = rule.delete_();
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": an http option without a path"));
  }
  auto parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": ", parsed.status().message()));
  }
  if (parsed->has_wildcard()) {
    return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": '*' is for hand routes"));
  }
  route.path = *std::move(parsed);
  route.access = rule.access();
  route.roles.assign(rule.roles().begin(), rule.roles().end());
  route.summary = rule.summary();
  if (absl::Status checked = CheckDeclaredRoute(route); !checked.ok()) return checked;
  return route;
}

absl::StatusOr<Route> HandRouteOf(const HandRoute& hand) {
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "DELETE"};
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("hand route ", hand.method, " ", hand.path_template, ": ", why));
  };
  if (kMethods.count(hand.method) == 0) return bad("method is GET, POST, PUT or DELETE");
  if (!hand.handle) return bad("no handler");
  if (hand.access == api::v1::ACCESS_UNSPECIFIED) return bad("no access declared");
  if ((hand.access == api::v1::AGENT || hand.access == api::v1::API_KEY) && hand.roles.empty()) {
    return bad("AGENT and API_KEY routes name the roles (scopes) allowed");
  }
  auto parsed = PathTemplate::Parse(hand.path_template);
  if (!parsed.ok()) return bad(parsed.status().message());
  Route route;
  route.method = hand.method;
  route.path = *std::move(parsed);
  route.access = hand.access;
  route.roles = hand.roles;
  route.summary = hand.summary;
  route.hand = &hand;
  return route;
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::Build(const std::vector<const google::protobuf::ServiceDescriptor*>& services,
                                             std::vector<HandRoute> hand_routes) {
  RouteTable table;
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      const int rules = method->options().ExtensionSize(api::v1::http);
      for (int r = 0; r < rules; ++r) {
        auto route = DeclaredRoute(method, method->options().GetExtension(api::v1::http, r));
        if (!route.ok()) return route.status();
        if (method->client_streaming() || method->server_streaming()) {
          return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": a streaming method has no route"));
        }
        table.routes_.push_back(*std::move(route));
      }
    }
  }
  for (HandRoute& hand : hand_routes) {
    table.hand_routes_.push_back(std::make_unique<HandRoute>(std::move(hand)));
    auto route = HandRouteOf(*table.hand_routes_.back());
    if (!route.ok()) return route.status();
    table.routes_.push_back(*std::move(route));
  }
  std::map<std::string, std::string> seen;
  for (const Route& route : table.routes_) {
    const std::string key = absl::StrCat(route.method, " ", route.path.Shape());
    auto [it, inserted] = seen.emplace(key, route.Name());
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("route ", route.Name(), " is declared twice (also as ", it->second, ")"));
    }
  }
  return table;
}

RouteMatch RouteTable::Match(absl::string_view method, absl::string_view path) const {
  RouteMatch match;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> variables;
    if (!route.path.Match(path, &variables)) continue;
    if (route.method != method) {
      // A catch-all (the portal's files) does not make every other method a 405.
      if (!route.path.has_wildcard()) allowed.insert(route.method);
      continue;
    }
    if (match.route == nullptr || route.path.MoreSpecificThan(match.route->path)) {
      match.route = &route;
      match.path_params = std::move(variables);
    }
  }
  if (match.route != nullptr) {
    match.outcome = RouteMatch::kMatched;
  } else if (!allowed.empty()) {
    match.outcome = RouteMatch::kWrongMethod;
    match.allowed.assign(allowed.begin(), allowed.end());
  }
  return match;
}

std::vector<const google::protobuf::ServiceDescriptor*> GatewayServices() {
  // Reached through a message of each file, so that the generated descriptors are linked in.
  return {
      registration::v1::Person::descriptor()->file()->FindServiceByName("RegistrationService"),
      beneficiary::v1::EligibilityQuestion::descriptor()->file()->FindServiceByName("BeneficiaryService"),
      claims::v1::ClaimItem::descriptor()->file()->FindServiceByName("ClaimsService"),
      v1::CreateSessionRequest::descriptor()->file()->FindServiceByName("SessionService"),
  };
}

}  // namespace himaya::gateway
