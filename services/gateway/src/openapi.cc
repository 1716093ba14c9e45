#include "gateway/src/openapi.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/transcoder.h"

namespace himaya::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

std::string Ref(const Descriptor* type) { return absl::StrCat("#/components/schemas/", type->full_name()); }

json MessageSchema(const Descriptor* type, json* schemas);

// A message's schema: well-known types as their JSON form, others by reference.
json MessageValueSchema(const Descriptor* type, json* schemas) {
  const std::string& name = type->full_name();
  if (name == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
  if (name == "google.protobuf.Duration") return {{"type", "string"}, {"example", "1.5s"}};
  if (name == "google.protobuf.Struct" || name == "google.protobuf.Empty") return {{"type", "object"}};
  if (name == "google.protobuf.Value") return json::object();
  if (type->file()->package() == "google.protobuf" && type->field_count() == 1 && type->field(0)->name() == "value") {
    json wrapped = FieldSchema(type->field(0), schemas);  // a wrapper: its value, or null
    wrapped["nullable"] = true;
    return wrapped;
  }
  if (!schemas->contains(name)) {
    (*schemas)[name] = json::object();  // a placeholder first: messages may refer to themselves
    (*schemas)[name] = MessageSchema(type, schemas);
  }
  return {{"$ref", Ref(type)}};
}

json ScalarSchema(const FieldDescriptor* f, json* schemas) {
  switch (f->type()) {
    case FieldDescriptor::TYPE_STRING:
      return {{"type", "string"}};
    case FieldDescriptor::TYPE_BYTES:
      return {{"type", "string"}, {"format", "byte"}};
    case FieldDescriptor::TYPE_BOOL:
      return {{"type", "boolean"}};
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
      return {{"type", "integer"}, {"format", "int32"}};
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32:
      return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      // proto3 JSON writes 64-bit integers as strings.
      return {{"type", "string"}, {"format", "int64"}, {"pattern", "^-?[0-9]+$"}};
    case FieldDescriptor::TYPE_DOUBLE:
      return {{"type", "number"}, {"format", "double"}};
    case FieldDescriptor::TYPE_FLOAT:
      return {{"type", "number"}, {"format", "float"}};
    case FieldDescriptor::TYPE_ENUM: {
      json names = json::array();
      for (int i = 0; i < f->enum_type()->value_count(); ++i) names.push_back(f->enum_type()->value(i)->name());
      return {{"type", "string"}, {"enum", names}};
    }
    default:
      return MessageValueSchema(f->message_type(), schemas);
  }
}

json MessageSchema(const Descriptor* type, json* schemas) {
  json properties = json::object();
  for (int i = 0; i < type->field_count(); ++i) {
    properties[type->field(i)->name()] = FieldSchema(type->field(i), schemas);
  }
  return {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
}

json ErrorSchema() {
  json error = {
      {"type", "object"},
      {"required", {"code", "message", "request_id"}},
      {"properties",
       {{"code", {{"type", "string"}, {"description", "The gRPC code name (INVALID_ARGUMENT, NOT_FOUND, ...)"}}},
        {"message", {{"type", "string"}}},
        {"field", {{"type", "string"}, {"description", "The request field at fault, when known"}}},
        {"request_id", {{"type", "string"}, {"description", "Also sent as X-Request-Id"}}}}}};
  return {{"type", "object"}, {"required", {"error"}}, {"properties", {{"error", error}}}};
}

json Security(api::v1::Access access) {
  switch (access) {
    case api::v1::INSURED:
    case api::v1::AGENT:
      return json::array({{{"session", json::array()}}});
    case api::v1::API_KEY:
      return json::array({{{"apiKey", json::array()}}});
    default:
      return json::array();
  }
}

std::string AccessText(const Route& route) {
  switch (route.access) {
    case api::v1::INSURED:
      return "An insured's portal session.";
    case api::v1::AGENT:
      return absl::StrCat("An agent's session with a role among: ", absl::StrJoin(route.roles, ", "), ".");
    case api::v1::API_KEY:
      return absl::StrCat("An API key with a scope among: ", absl::StrJoin(route.roles, ", "), ".");
    default:
      return "Public.";
  }
}

// The operation of a declared route.
json DeclaredOperation(const Route& route, json* schemas) {
  const Descriptor* in = route.grpc_method->input_type();
  json operation = {{"summary", route.summary}, {"tags", {route.grpc_method->service()->name()}}};
  json parameters = json::array();
  for (const std::string& variable : route.path.Variables()) {
    parameters.push_back({{"name", variable},
                          {"in", "path"},
                          {"required", true},
                          {"schema", FieldSchema(in->FindFieldByName(variable), schemas)}});
  }
  const std::vector<const FieldDescriptor*> fields = CallerFields(route);
  if (route.rule.body() == "*") {
    json properties = json::object();
    for (const FieldDescriptor* f : fields) properties[f->name()] = FieldSchema(f, schemas);
    operation["requestBody"] = {
        {"required", false},
        {"content",
         {{"application/json",
           {{"schema", {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}}}}}}}};
  } else {
    for (const FieldDescriptor* f : fields) {
      json schema = FieldSchema(f, schemas);
      json parameter = {{"name", f->name()}, {"in", "query"}, {"required", false}, {"schema", schema}};
      if (f->is_repeated()) parameter["explode"] = true;
      parameters.push_back(parameter);
    }
  }
  if (route.rule.audited()) {
    parameters.push_back({{"name", "X-Himaya-Reason"},
                          {"in", "header"},
                          {"required", true},
                          {"description", "Why the agent reads this person's data (kept in the access audit)"},
                          {"schema", {{"type", "string"}, {"maxLength", 500}}}});
  }
  if (!parameters.empty()) operation["parameters"] = parameters;
  json content;
  if (!route.rule.response_body().empty()) {
    content = {{route.rule.response_content_type(), {{"schema", {{"type", "string"}, {"format", "binary"}}}}}};
  } else {
    content = {{"application/json", {{"schema", MessageValueSchema(route.grpc_method->output_type(), schemas)}}}};
  }
  const int status = route.rule.success_status() != 0 ? route.rule.success_status() : 200;
  operation["responses"] = {{std::to_string(status), {{"description", "Success"}, {"content", content}}},
                            {"default", {{"$ref", "#/components/responses/Error"}}}};
  return operation;
}

json HandOperation(const Route& route) {
  json operation = {{"summary", route.summary}, {"tags", {"gateway"}}};
  json parameters = json::array();
  for (const std::string& variable : route.path.Variables()) {
    parameters.push_back({{"name", variable}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  if (!parameters.empty()) operation["parameters"] = parameters;
  operation["responses"] = {
      {"200", {{"description", "Success"}, {"content", {{route.hand->content_type, {{"schema", json::object()}}}}}}},
      {"default", {{"$ref", "#/components/responses/Error"}}}};
  return operation;
}

}  // namespace

json FieldSchema(const FieldDescriptor* field, json* schemas) {
  if (field->is_map()) {
    return {{"type", "object"},
            {"additionalProperties", ScalarSchema(field->message_type()->FindFieldByName("value"), schemas)}};
  }
  json value = ScalarSchema(field, schemas);
  if (field->is_repeated()) return {{"type", "array"}, {"items", value}};
  return value;
}

bool InOpenApi(const Route& route) {
  if (route.path.has_wildcard()) return false;
  return route.hand == nullptr || route.hand->in_openapi;
}

json OpenApiDocument(const RouteTable& table) {
  json schemas = json::object();
  json paths = json::object();
  std::map<std::string, int> ids;
  for (const Route& route : table.routes()) {
    if (!InOpenApi(route)) continue;
    json operation = route.hand != nullptr ? HandOperation(route) : DeclaredOperation(route, &schemas);
    std::string id =
        route.hand != nullptr ? absl::StrCat("hand_", absl::AsciiStrToLower(route.method)) : route.grpc_method->name();
    const int seen = ids[id]++;
    if (seen > 0 || route.hand != nullptr) absl::StrAppend(&id, "_", seen + 1);
    operation["operationId"] = id;
    operation["description"] = AccessText(route);
    json security = Security(route.access);
    if (!security.empty()) operation["security"] = security;
    if (!route.roles.empty()) operation["x-himaya-roles"] = route.roles;
    paths[route.path.text()][absl::AsciiStrToLower(route.method)] = operation;
  }
  schemas["Error"] = ErrorSchema();
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "himaya gateway"},
        {"version", "1"},
        {"description",
         "HTTP/1.1 + JSON in front of the himaya services, generated from the HTTP options declared on their protos. "
         "Answers use the proto field names; every error is the one envelope."}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"responses",
         {{"Error",
           {{"description", "The error envelope"},
            {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}},
        {"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}},
          {"apiKey",
           {{"type", "apiKey"},
            {"in", "header"},
            {"name", "Authorization"},
            {"description", "Authorization: ApiKey <key_id>.<secret>"}}}}}}}};
}

}  // namespace himaya::gateway
