#include "testing/http.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"

namespace himaya::testing {

absl::StatusOr<HttpResponse> HttpGet(const std::string& address, const std::string& path) {
  httplib::Client client(absl::StrCat("http://", address));
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  httplib::Result result = client.Get(path);
  if (!result) {
    return absl::UnavailableError(absl::StrCat("http: GET ", address, path, ": ", httplib::to_string(result.error())));
  }
  HttpResponse response;
  response.status = result->status;
  response.content_type = result->get_header_value("Content-Type");
  response.body = result->body;
  return response;
}

}  // namespace himaya::testing
