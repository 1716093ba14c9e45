// HTTP <-> protobuf for the declared routes (http.proto says what each option means). A request
// becomes the method's request message: the JSON body (`body: "*"`) or the query string, then the
// path variables, then what the gateway sets itself (the principal, the fixed fields). Whatever
// the caller may not give (an unknown field, a hidden one, the principal, a fixed one) is refused
// with the field named, found by the gateway itself. An answer becomes proto3 JSON (the proto
// field names, every primitive field printed), or the raw bytes of `response_body`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/src/api_error.h"
#include "gateway/src/caller.h"
#include "gateway/src/http_exchange.h"
#include "gateway/src/route_table.h"
#include "google/protobuf/message.h"

namespace himaya::gateway {

// A request the gateway refuses itself, and its HTTP status (0: the code's, HttpStatusOf).
struct HttpError {
  ApiError error;
  int http_status = 0;
};

// Fills `message` (of the route's request type, empty) from `request` for `caller`. nullopt when
// accepted; otherwise 415 for a body that is not application/json, 400 INVALID_ARGUMENT for
// malformed JSON (no field), an unknown field or parameter, a field the gateway sets, a field in
// the path given again, a value of the wrong type, a parameter given twice (the field named).
std::optional<HttpError> BuildRequest(const Route& route, const HttpRequest& request,
                                      const std::map<std::string, std::string>& path_params, const Caller& caller,
                                      google::protobuf::Message* message);

// Fills `http` with the method's answer: NOT_FOUND when `owner_field` is not the caller's (the
// same answer as a resource that does not exist, kNotFoundMessage); the raw `response_body` with
// its content type, or the JSON; the route's success status.
std::optional<HttpError> WriteAnswer(const Route& route, const Caller& caller, const google::protobuf::Message& answer,
                                     HttpResponse* http);

// The request fields a caller may give on a declared `route` (in the body, or as query
// parameters): every field of the request but those bound by the path and those the gateway
// sets (principal, fixed, hidden); on a query route, only the scalar ones. The OpenAPI document
// describes exactly these.
std::vector<const google::protobuf::FieldDescriptor*> CallerFields(const Route& route);

// What a route with an `owner_field` answers for another insured's resource, and for a missing
// one alike.
inline constexpr char kNotFoundMessage[] = "not found";

// The value of a fixed field for `caller`: `{principal}`, `{agent}` and `{client}` replaced by the
// caller's subject when the caller is of that kind (empty otherwise).
std::string FixedValue(absl::string_view declared, const Caller& caller);

}  // namespace himaya::gateway
