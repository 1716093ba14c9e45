// The gateway's OpenAPI 3.0.3 description, generated from the same route table it serves: the
// declared routes (their parameters and bodies from the request messages, exactly the fields the
// transcoder accepts; their answers from the response messages, in the proto3 JSON mapping) and
// the hand routes (their summaries and content types). Access becomes a security requirement (the
// session cookie, the ApiKey header); every operation answers the error envelope by default.
#pragma once

#include "gateway/src/route_table.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway {

// The document (served at GET /openapi.json).
nlohmann::json OpenApiDocument(const RouteTable& table);

// Whether a route is described: every route but static files (HandRoute::in_openapi false) and
// catch-alls.
bool InOpenApi(const Route& route);

// The JSON schema of one field's value in the proto3 JSON mapping (int64 as a string, enums by
// name, Timestamp as date-time, bytes as base64, maps, repeated); messages as references into
// components/schemas, added to `schemas`.
nlohmann::json FieldSchema(const google::protobuf::FieldDescriptor* field, nlohmann::json* schemas);

}  // namespace himaya::gateway
