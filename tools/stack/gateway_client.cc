#include "stack/gateway_client.h"

#include <httplib.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace himaya::stack {
namespace {

constexpr char kSessionCookie[] = "__Host-himaya_session";

// The value Set-Cookie gives the session cookie: nullopt when it names another cookie, "" when
// it clears it (an empty value or Max-Age=0).
std::optional<std::string> SessionFromSetCookie(absl::string_view set_cookie) {
  std::vector<absl::string_view> attributes = absl::StrSplit(set_cookie, ';');
  absl::string_view first = absl::StripAsciiWhitespace(attributes[0]);
  if (!absl::ConsumePrefix(&first, absl::StrCat(kSessionCookie, "="))) return std::nullopt;
  for (size_t i = 1; i < attributes.size(); ++i) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(attributes[i]), "Max-Age=0")) return "";
  }
  return std::string(first);
}

}  // namespace

std::string GatewayAnswer::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json GatewayAnswer::Json() const { return nlohmann::json::parse(body, nullptr, false); }

std::string GatewayAnswer::ErrorCode() const {
  nlohmann::json json = Json();
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object() ||
      !json["error"]["code"].is_string()) {
    return "";
  }
  return json["error"]["code"].get<std::string>();
}

GatewayClient::GatewayClient(std::string address)
    : address_(std::move(address)), http_(std::make_unique<httplib::Client>(absl::StrCat("http://", address_))) {
  http_->set_keep_alive(true);
  http_->set_connection_timeout(5);
  http_->set_read_timeout(30);
}

GatewayClient::~GatewayClient() = default;

std::string GatewayClient::CookieHeader() const {
  return session_.empty() ? "" : absl::StrCat(kSessionCookie, "=", session_);
}

absl::StatusOr<GatewayAnswer> GatewayClient::Get(const std::string& path_and_query, const Headers& headers) {
  return Send("GET", path_and_query, "", "", headers);
}

absl::StatusOr<GatewayAnswer> GatewayClient::Post(const std::string& path, const nlohmann::json& body,
                                                  const Headers& headers) {
  return Send("POST", path, body.dump(), "application/json", headers);
}

absl::StatusOr<GatewayAnswer> GatewayClient::Delete(const std::string& path, const Headers& headers) {
  return Send("DELETE", path, "", "", headers);
}

absl::StatusOr<GatewayAnswer> GatewayClient::Send(const std::string& method, const std::string& path,
                                                  const std::string& body, const std::string& content_type,
                                                  const Headers& headers) {
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.body = body;
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  if (!content_type.empty()) request.headers.emplace("Content-Type", content_type);
  if (!session_.empty()) request.headers.emplace("Cookie", CookieHeader());
  httplib::Result result = http_->send(request);
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat("gateway: ", method, " ", path, ": ", httplib::to_string(result.error())));
  }
  GatewayAnswer answer;
  answer.status = result->status;
  answer.body = result->body;
  for (const auto& [name, value] : result->headers) answer.headers.emplace(absl::AsciiStrToLower(name), value);
  answer.content_type = answer.Header("content-type");
  for (auto [it, end] = answer.headers.equal_range("set-cookie"); it != end; ++it) {
    if (std::optional<std::string> session = SessionFromSetCookie(it->second)) session_ = *session;
  }
  return answer;
}

absl::StatusOr<GatewayAnswer> Expecting(int expected, const std::string& route, absl::StatusOr<GatewayAnswer> answer) {
  if (!answer.ok()) return answer.status();
  if (answer->status != expected) {
    return absl::InternalError(absl::StrCat(route, ": HTTP ", answer->status, " ", answer->body));
  }
  return answer;
}

}  // namespace himaya::stack
