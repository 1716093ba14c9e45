#include "gateway/src/transcoder.h"

#include <algorithm>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/strict_json.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

HttpError Invalid(std::string field, std::string message) {
  HttpError e;
  e.error.code = absl::StatusCode::kInvalidArgument;
  e.error.field = std::move(field);
  e.error.message = std::move(message);
  return e;
}

// A field by its proto name or its JSON name (proto3 JSON accepts both).
const FieldDescriptor* FieldNamed(const Descriptor* type, absl::string_view name) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->name() == name || f->json_name() == name) return f;
  }
  return nullptr;
}

template <typename T>
bool ParseInteger(absl::string_view text, T* out) {
  return absl::SimpleAtoi(text, out);
}

const char* TypeWord(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "an integer";
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "a number";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return "one of the enum's names";
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "an object";
    default:
      return f->type() == FieldDescriptor::TYPE_BYTES ? "base64 text" : "text";
  }
}

// Sets (or, repeated, adds) a scalar field from text: a path variable, a query parameter, a
// fixed value. False when the text is not of the field's type.
bool SetScalar(Message* message, const FieldDescriptor* f, absl::string_view text) {
  const Reflection* r = message->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value(text);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(text, &value) && !absl::WebSafeBase64Unescape(text, &value)) return false;
      }
      rep ? r->AddString(message, f, std::move(value)) : r->SetString(message, f, std::move(value));
      return true;
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!ParseInteger(text, &v)) return false;
      rep ? r->AddInt32(message, f, v) : r->SetInt32(message, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!ParseInteger(text, &v)) return false;
      rep ? r->AddInt64(message, f, v) : r->SetInt64(message, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!ParseInteger(text, &v)) return false;
      rep ? r->AddUInt32(message, f, v) : r->SetUInt32(message, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!ParseInteger(text, &v)) return false;
      rep ? r->AddUInt64(message, f, v) : r->SetUInt64(message, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return false;
      rep ? r->AddDouble(message, f, v) : r->SetDouble(message, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(text, &v)) return false;
      rep ? r->AddFloat(message, f, v) : r->SetFloat(message, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (text != "true" && text != "false") return false;
      rep ? r->AddBool(message, f, text == "true") : r->SetBool(message, f, text == "true");
      return true;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value = f->enum_type()->FindValueByName(std::string(text));
      int number;
      if (value == nullptr && ParseInteger(text, &number)) value = f->enum_type()->FindValueByNumber(number);
      if (value == nullptr) return false;
      rep ? r->AddEnum(message, f, value) : r->SetEnum(message, f, value);
      return true;
    }
    default:
      return false;
  }
}

bool IsIntegerText(const std::string& text) {
  int64_t s;
  uint64_t u;
  return absl::SimpleAtoi(text, &s) || absl::SimpleAtoi(text, &u);
}

// Whether a JSON value fits a singular value of `f` (proto3 JSON mapping). Messages are checked
// by the caller, field by field.
bool FitsScalar(const nlohmann::json& v, const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return v.is_string();
    case FieldDescriptor::CPPTYPE_BOOL:
      return v.is_boolean();
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      if (v.is_number_unsigned()) return true;
      if (v.is_number_integer()) {
        return f->cpp_type() == FieldDescriptor::CPPTYPE_INT32 || f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 ||
               v.get<int64_t>() >= 0;
      }
      return v.is_string() && IsIntegerText(v.get<std::string>());
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return v.is_number() || v.is_string();
    case FieldDescriptor::CPPTYPE_ENUM:
      if (v.is_string()) return f->enum_type()->FindValueByName(v.get<std::string>()) != nullptr;
      return v.is_number_integer();
    default:
      return false;
  }
}

// Well-known types written as JSON scalars (Timestamp, Duration, wrappers) or free JSON (Struct,
// Value, ...): left to protobuf's parser.
bool IsWellKnown(const Descriptor* type) { return type->file()->package() == "google.protobuf"; }

std::optional<HttpError> CheckMessage(const nlohmann::json& object, const Descriptor* type, const std::string& prefix);

std::optional<HttpError> CheckValue(const nlohmann::json& v, const FieldDescriptor* f, const std::string& path) {
  if (v.is_null()) return std::nullopt;
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (IsWellKnown(f->message_type())) return std::nullopt;
    if (!v.is_object()) return Invalid(path, absl::StrCat(path, ": must be an object"));
    return CheckMessage(v, f->message_type(), path + ".");
  }
  if (!FitsScalar(v, f)) return Invalid(path, absl::StrCat(path, ": must be ", TypeWord(f)));
  return std::nullopt;
}

std::optional<HttpError> CheckMessage(const nlohmann::json& object, const Descriptor* type, const std::string& prefix) {
  for (const auto& [key, value] : object.items()) {
    const std::string path = prefix + key;
    const FieldDescriptor* f = FieldNamed(type, key);
    if (f == nullptr) return Invalid(path, absl::StrCat(path, ": unknown field"));
    if (f->is_map()) {
      if (value.is_null()) continue;
      if (!value.is_object()) return Invalid(path, absl::StrCat(path, ": must be an object"));
      const FieldDescriptor* value_field = f->message_type()->FindFieldByName("value");
      for (const auto& [k, element] : value.items()) {
        if (auto e = CheckValue(element, value_field, absl::StrCat(path, ".", k))) return e;
      }
    } else if (f->is_repeated()) {
      if (value.is_null()) continue;
      if (!value.is_array()) return Invalid(path, absl::StrCat(path, ": must be an array"));
      for (size_t i = 0; i < value.size(); ++i) {
        if (auto e = CheckValue(value[i], f, absl::StrCat(path, "[", i, "]"))) return e;
      }
    } else if (auto e = CheckValue(value, f, path)) {
      return e;
    }
  }
  return std::nullopt;
}

bool IsJson(const std::string& content_type) {
  absl::string_view media = content_type;
  media = media.substr(0, media.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media), "application/json");
}

// Why the caller may not give `field` on `route`; empty when it may.
std::string Forbidden(const Route& route, const std::map<std::string, std::string>& path_params,
                      const std::string& field) {
  const api::v1::HttpRule& rule = route.rule;
  if (path_params.count(field) > 0) return "given in the path";
  if (field == rule.principal_field()) return "set by the gateway from the session";
  for (const auto& fixed : rule.fixed()) {
    if (fixed.field() == field) return "set by the gateway";
  }
  for (const auto& hidden : rule.hidden_fields()) {
    // A hidden field is unknown to the caller.
    if (hidden == field) return route.rule.body().empty() ? "unknown parameter" : "unknown field";
  }
  return "";
}

std::optional<HttpError> FromBody(const Route& route, const HttpRequest& request,
                                  const std::map<std::string, std::string>& path_params, Message* message) {
  if (!request.query.empty()) {
    const std::string& name = request.query.front().first;
    return Invalid(name, absl::StrCat(name, ": unknown parameter (this route takes a JSON body)"));
  }
  if (request.body.empty()) return std::nullopt;
  if (!IsJson(request.Header("content-type"))) {
    HttpError e = Invalid("", "Content-Type: application/json required");
    e.http_status = 415;
    return e;
  }
  // A key given twice is refused: the checks below would see its last value, protobuf's parse
  // both (a list concatenated).
  core::StrictJson parsed = core::ParseStrictJson(request.body);
  const nlohmann::json& body = parsed.json;
  if (body.is_discarded()) return Invalid("", "body: malformed JSON");
  if (parsed.repeated) {
    const std::string key = core::QuotableKey(*parsed.repeated);
    return Invalid(key, absl::StrCat(key, ": given twice"));
  }
  if (!body.is_object()) return Invalid("", "body: a JSON object expected");
  for (const auto& [key, value] : body.items()) {
    const FieldDescriptor* f = FieldNamed(message->GetDescriptor(), key);
    if (f == nullptr) continue;  // reported by CheckMessage
    const std::string why = Forbidden(route, path_params, f->name());
    if (!why.empty()) return Invalid(key, absl::StrCat(key, ": ", why));
  }
  if (auto e = CheckMessage(body, message->GetDescriptor(), "")) return e;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (!google::protobuf::util::JsonStringToMessage(request.body, message, options).ok()) {
    // What the checks above let through (a number out of its range, a malformed timestamp):
    // protobuf's message may quote the value, so it is not passed on.
    return Invalid("", "body: a value does not fit its field");
  }
  return std::nullopt;
}

std::optional<HttpError> FromQuery(const Route& route, const HttpRequest& request,
                                   const std::map<std::string, std::string>& path_params, Message* message) {
  if (!request.body.empty()) return Invalid("", "body: this route takes no body");
  std::set<std::string> given;
  for (const auto& [name, value] : request.query) {
    const FieldDescriptor* f = FieldNamed(message->GetDescriptor(), name);
    if (f == nullptr || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return Invalid(name, absl::StrCat(name, ": unknown parameter"));
    }
    const std::string why = Forbidden(route, path_params, f->name());
    if (!why.empty()) return Invalid(name, absl::StrCat(name, ": ", why));
    if (!f->is_repeated() && !given.insert(f->name()).second) {
      return Invalid(name, absl::StrCat(name, ": given twice"));
    }
    if (!SetScalar(message, f, value)) return Invalid(name, absl::StrCat(name, ": must be ", TypeWord(f)));
  }
  return std::nullopt;
}

}  // namespace

std::vector<const FieldDescriptor*> CallerFields(const Route& route) {
  std::vector<const FieldDescriptor*> fields;
  if (route.grpc_method == nullptr) return fields;
  std::map<std::string, std::string> path_params;
  for (const std::string& variable : route.path.Variables()) path_params[variable] = "";
  const Descriptor* type = route.grpc_method->input_type();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (!Forbidden(route, path_params, f->name()).empty()) continue;
    if (route.rule.body().empty() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) continue;
    fields.push_back(f);
  }
  return fields;
}

std::string FixedValue(absl::string_view declared, const Caller& caller) {
  auto as = [&](CallerKind kind) { return caller.kind == kind ? caller.subject : std::string(); };
  return absl::StrReplaceAll(declared, {{"{principal}", as(CallerKind::kInsured)},
                                        {"{agent}", as(CallerKind::kAgent)},
                                        {"{client}", as(CallerKind::kApiClient)}});
}

std::optional<HttpError> BuildRequest(const Route& route, const HttpRequest& request,
                                      const std::map<std::string, std::string>& path_params, const Caller& caller,
                                      Message* message) {
  const Descriptor* type = message->GetDescriptor();
  std::optional<HttpError> refused = route.rule.body() == "*" ? FromBody(route, request, path_params, message)
                                                              : FromQuery(route, request, path_params, message);
  if (refused) return refused;
  for (const auto& [name, value] : path_params) {
    const FieldDescriptor* f = type->FindFieldByName(name);
    if (f == nullptr) continue;  // a hand route's parameter; declared routes are checked at start
    if (!SetScalar(message, f, value)) return Invalid(name, absl::StrCat(name, ": must be ", TypeWord(f)));
  }
  const Reflection* r = message->GetReflection();
  if (!route.rule.principal_field().empty()) {
    r->SetString(message, type->FindFieldByName(route.rule.principal_field()), caller.subject);
  }
  for (const auto& fixed : route.rule.fixed()) {
    const FieldDescriptor* f = type->FindFieldByName(fixed.field());
    if (!SetScalar(message, f, FixedValue(fixed.value(), caller))) {
      HttpError e;
      e.error.code = absl::StatusCode::kInternal;
      e.error.message = absl::StrCat("route ", route.Name(), ": fixed field ", fixed.field(), " cannot be set");
      return e;
    }
  }
  return std::nullopt;
}

std::optional<HttpError> WriteAnswer(const Route& route, const Caller& caller, const Message& answer,
                                     HttpResponse* http) {
  const api::v1::HttpRule& rule = route.rule;
  const Descriptor* type = answer.GetDescriptor();
  const Reflection* r = answer.GetReflection();
  if (!rule.owner_field().empty() &&
      r->GetString(answer, type->FindFieldByName(rule.owner_field())) != caller.subject) {
    HttpError e;
    e.error.code = absl::StatusCode::kNotFound;
    e.error.message = kNotFoundMessage;
    return e;
  }
  http->status = rule.success_status() != 0 ? rule.success_status() : 200;
  if (!rule.response_body().empty()) {
    http->content_type = rule.response_content_type();
    http->body = r->GetString(answer, type->FindFieldByName(rule.response_body()));
    return std::nullopt;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  http->content_type = "application/json";
  http->body.clear();
  if (!google::protobuf::util::MessageToJsonString(answer, &http->body, options).ok()) {
    HttpError e;
    e.error.code = absl::StatusCode::kInternal;
    e.error.message = "the answer cannot be written as JSON";
    return e;
  }
  return std::nullopt;
}

}  // namespace himaya::gateway
