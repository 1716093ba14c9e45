// One HTTP exchange as the gateway's handlers see it: the request read whole (within the size
// limit) and the response they fill. Independent of the HTTP library underneath.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace himaya::gateway {

struct HttpRequest {
  // "GET", "POST", "PUT", "DELETE", ...
  std::string method;
  // Percent-decoded, without the query string.
  std::string path;
  // Percent-decoded, in the order given.
  std::vector<std::pair<std::string, std::string>> query;
  // Names in lower case.
  absl::flat_hash_map<std::string, std::string> headers;
  std::string body;
  // The client's address (IP), for per-client limits.
  std::string peer;
  // Given to every answer (X-Request-Id) and error envelope; made by the gateway.
  std::string request_id;

  // Empty when absent.
  std::string Header(absl::string_view lower_name) const;
  // A cookie's value from the Cookie header; nullopt when absent.
  std::optional<std::string> Cookie(absl::string_view name) const;
  // The first value of a query parameter; nullopt when absent.
  std::optional<std::string> QueryValue(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Further headers (Set-Cookie, Retry-After, Cache-Control, ...), sent as given.
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace himaya::gateway
