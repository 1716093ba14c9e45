// A minimal HTTP/1.1 GET for tests (the services' /metrics endpoints).
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

// The sum of the samples on http://ADDRESS/metrics whose line starts with `prefix` (a family
// name, or a name and the start of its labels); -1 when nothing answers.
double MetricSum(const std::string& address, const std::string& prefix);

}  // namespace himaya::testing
