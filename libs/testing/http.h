// One HTTP/1.1 GET for tests (cpp-httplib): the services' /metrics and delivery-report endpoints.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace himaya::testing {

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// GET http://ADDRESS/PATH (address "127.0.0.1:port"). UNAVAILABLE when nothing answers.
absl::StatusOr<HttpResponse> HttpGet(const std::string& address, const std::string& path);

}  // namespace himaya::testing
