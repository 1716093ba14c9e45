// A client of the gateway as a browser is: one keep-alive connection, JSON bodies, and the
// session cookie (__Host-himaya_session) taken from Set-Cookie and sent back until the gateway clears
// it. For the demo, the gateway benchmark and the end-to-end tests of the local stack.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace httplib {
class Client;
}

namespace himaya::stack {

// One answer of the gateway.
struct GatewayAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
  // Names in lower case; a header sent twice (Set-Cookie) keeps each value.
  std::multimap<std::string, std::string> headers;

  // The first value of header `lower_name`, "" when absent.
  std::string Header(const std::string& lower_name) const;
  // The body as JSON (a discarded value when it is not JSON).
  nlohmann::json Json() const;
  // The error envelope's code ("" when the body is not an error envelope).
  std::string ErrorCode() const;
};

// `answer` when its status is `expected`; otherwise an error naming `route` ("POST /v1/sessions"),
// the status and the body (the gateway's error envelope, which holds no secret).
absl::StatusOr<GatewayAnswer> Expecting(int expected, const std::string& route, absl::StatusOr<GatewayAnswer> answer);

// One client, one connection; not for use by several threads at once.
class GatewayClient {
 public:
  // `address`: HOST:PORT of the gateway's HTTP listener.
  explicit GatewayClient(std::string address);
  ~GatewayClient();
  GatewayClient(const GatewayClient&) = delete;
  GatewayClient& operator=(const GatewayClient&) = delete;

  using Headers = std::vector<std::pair<std::string, std::string>>;
  // UNAVAILABLE when the gateway does not answer.
  absl::StatusOr<GatewayAnswer> Get(const std::string& path_and_query, const Headers& headers = {});
  absl::StatusOr<GatewayAnswer> Post(const std::string& path, const nlohmann::json& body, const Headers& headers = {});
  absl::StatusOr<GatewayAnswer> Delete(const std::string& path, const Headers& headers = {});
  // Any method with a raw body (malformed JSON, a body too large).
  absl::StatusOr<GatewayAnswer> Send(const std::string& method, const std::string& path, const std::string& body,
                                     const std::string& content_type, const Headers& headers = {});

  // The session's token as the cookie holds it; empty when there is none.
  const std::string& session() const { return session_; }
  void set_session(std::string session) { session_ = std::move(session); }
  // The Cookie header this client sends ("__Host-himaya_session=TOKEN"); empty without a session.
  std::string CookieHeader() const;
  const std::string& address() const { return address_; }

 private:
  std::string address_;
  std::unique_ptr<httplib::Client> http_;
  std::string session_;
};

}  // namespace himaya::stack
