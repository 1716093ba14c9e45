// The one error envelope of the gateway, for its own errors and the services' alike:
//   {"error": {"code": "INVALID_ARGUMENT", "message": "...", "field": "...", "request_id": "..."}}
// with the HTTP status matching the code; FHIR routes answer the same error as an
// OperationOutcome. Messages reaching a caller never carry personal data or secrets: a service's
// internal error is already opaque (rpc::ToGrpcStatus), and the gateway's own messages name
// fields, never values.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/src/http_exchange.h"
#include "grpcpp/support/status.h"

namespace himaya::gateway {

struct ApiError {
  absl::StatusCode code = absl::StatusCode::kInternal;
  std::string message;
  // The request field at fault, when known (INVALID_ARGUMENT); omitted when empty.
  std::string field;
  // Sent as Retry-After (whole seconds, at least 1) when positive: rate limits, lock-outs.
  absl::Duration retry_after = absl::ZeroDuration();
};

// The HTTP status of a code: 400 INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE, 401
// UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS / ABORTED, 413 for
// a body too large (the gateway's own), 429 RESOURCE_EXHAUSTED, 499 CANCELLED, 501
// UNIMPLEMENTED, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, 500 otherwise.
int HttpStatusOf(absl::StatusCode code);

// A service's answer as an error: INVALID_ARGUMENT messages of the form "field: what" give the
// field; the `retry-after` trailing metadata (seconds), when present, the retry delay.
ApiError ErrorFromGrpc(const grpc::Status& status, absl::string_view retry_after_seconds = {});
// The same for the gateway's own errors (local methods, its parts); a wait set by
// rpc::WithRetryAfter (a lock-out, a limit passed on from a service) becomes the retry delay.
ApiError ErrorFromStatus(const absl::Status& status);

// Fills the response with the JSON envelope (and Retry-After). `http_status` 0: HttpStatusOf.
void WriteJsonError(const ApiError& error, absl::string_view request_id, HttpResponse* response, int http_status = 0);
// The same error as a FHIR R4 OperationOutcome (application/fhir+json), the code in
// issue[0].details.coding (system https://himaya.ma/fhir/CodeSystem/error) and the field in
// issue[0].expression.
void WriteOperationOutcome(const ApiError& error, absl::string_view request_id, HttpResponse* response,
                           int http_status = 0);

}  // namespace himaya::gateway
