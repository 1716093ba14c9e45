#include "notification/src/kannel_provider.h"

#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "notification/src/secrets.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace himaya::notification {
namespace {

struct Url {
  std::string scheme_host_port;
  std::string path;
};

absl::StatusOr<Url> SplitUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return absl::InvalidArgumentError(absl::StrCat("kannel: bad URL ", url));
  size_t path = url.find('/', scheme + 3);
  if (path == std::string::npos) return Url{url, "/"};
  return Url{url.substr(0, path), url.substr(path)};
}

}  // namespace

std::string UrlEncode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return out;
}

absl::StatusOr<std::string> KannelProvider::Submit(const OutgoingSms& sms) {
  auto url = SplitUrl(options_.sendsms_url);
  if (!url.ok()) return url.status();
  // One kept-alive connection per sending thread.
  thread_local std::unique_ptr<httplib::Client> cached;
  thread_local std::string cached_for;
  if (cached == nullptr || cached_for != url->scheme_host_port) {
    cached = std::make_unique<httplib::Client>(url->scheme_host_port);
    cached->set_connection_timeout(5);
    cached->set_read_timeout(10);
    cached->set_keep_alive(true);
    cached_for = url->scheme_host_port;
  }
  httplib::Client& client = *cached;
  // Kannel replaces %d with the report's type; the rest of our URL must reach it intact.
  const std::string dlr_url = absl::StrCat(
      options_.dlr_url, "?", options_.dlr_token.empty() ? "" : "token=" + UrlEncode(options_.dlr_token) + "&",
      "message_id=", sms.message_id, "&type=%d");
  std::string query =
      absl::StrCat(url->path, "?username=", UrlEncode(options_.username), "&password=", UrlEncode(options_.password),
                   "&from=", UrlEncode(options_.sender), "&to=", UrlEncode(sms.to), "&text=", UrlEncode(sms.text),
                   "&charset=UTF-8&coding=", sms.encoding == SmsEncoding::kUcs2 ? "2" : "0",
                   "&dlr-mask=19&dlr-url=", UrlEncode(dlr_url));
  httplib::Result result = client.Get(query);
  if (!result) {
    cached.reset();  // reconnect next time
    return absl::UnavailableError(absl::StrCat("kannel: ", httplib::to_string(result.error())));
  }
  // 202 "0: Accepted for delivery" or "3: Queued for later delivery".
  if (result->status == 200 || result->status == 202) return sms.message_id;
  const std::string body(absl::StripAsciiWhitespace(result->body));
  if (result->status >= 500) {
    return absl::UnavailableError(absl::StrCat("kannel: ", result->status, " ", body));
  }
  return absl::InvalidArgumentError(absl::StrCat("kannel: ", result->status, " ", body));
}

absl::StatusOr<DeliveryReport> ReadDeliveryReport(const std::multimap<std::string, std::string>& params,
                                                  const std::string& token) {
  auto token_param = params.find("token");
  if (token_param == params.end()) return absl::PermissionDeniedError("missing_token");
  if (!SecretsEqual(token_param->second, token)) return absl::PermissionDeniedError("wrong_token");
  DeliveryReport report;
  auto id = params.find("message_id");
  auto type = params.find("type");
  if (id == params.end() || id->second.empty() || type == params.end() ||
      !absl::SimpleAtoi(type->second, &report.type)) {
    return absl::InvalidArgumentError("message_id and type are required");
  }
  report.message_id = id->second;
  return report;
}

prometheus::Family<prometheus::Counter>& DeliveryReportCounters(prometheus::Registry& registry) {
  prometheus::Family<prometheus::Counter>& family =
      prometheus::BuildCounter()
          .Name("himaya_notification_delivery_reports_total")
          .Help("Final delivery reports recorded (delivered or failed; a message's second report is counted too)")
          .Register(registry);
  for (const char* report : {"delivered", "failed"}) family.Add({{"report", report}});
  return family;
}

absl::StatusOr<std::unique_ptr<DeliveryReportServer>> DeliveryReportServer::Start(const std::string& host, int port,
                                                                                  const std::string& token,
                                                                                  DeliveryReportSink& sink,
                                                                                  prometheus::Registry* registry) {
  if (token.empty()) return absl::InvalidArgumentError("delivery reports: a token is required");
  std::unique_ptr<DeliveryReportServer> server(new DeliveryReportServer());
  server->server_ = std::make_unique<httplib::Server>();
  server->host_ = host;
  prometheus::Family<prometheus::Counter>* refused_family =
      registry == nullptr ? nullptr
                          : &prometheus::BuildCounter()
                                 .Name("himaya_notification_delivery_reports_refused_total")
                                 .Help("Delivery-report callbacks refused for a missing or wrong token")
                                 .Register(*registry);
  prometheus::Family<prometheus::Counter>* recorded_family =
      registry == nullptr ? nullptr : &DeliveryReportCounters(*registry);
  DeliveryReportServer* self = server.get();
  server->server_->Get("/dlr", [&sink, self, token, refused_family, recorded_family](const httplib::Request& request,
                                                                                     httplib::Response& response) {
    absl::StatusOr<DeliveryReport> callback = ReadDeliveryReport(request.params, token);
    if (absl::IsPermissionDenied(callback.status())) {
      const std::string reason(callback.status().message());
      ++self->refused_;
      if (refused_family != nullptr) refused_family->Add({{"reason", reason}}).Increment();
      // Nothing of the request but where it came from: its parameters are the caller's to choose.
      log::Warn("delivery report refused", {{"reason", reason}, {"from", request.remote_addr}});
      response.status = 403;
      response.set_content("forbidden\n", "text/plain");
      return;
    }
    if (!callback.ok()) {
      response.status = 400;
      response.set_content("message_id and type are required\n", "text/plain");
      return;
    }
    const std::string& id = callback->message_id;
    const int type = callback->type;
    absl::Status status = absl::OkStatus();
    const char* report = nullptr;
    if (type & 1) {
      report = "delivered";
      status = sink.OnDeliveryReport(id, true, "");
    } else if (type & 2) {
      report = "failed";
      status = sink.OnDeliveryReport(id, false, "not delivered to the phone");
    } else if (type & 16) {
      report = "failed";
      status = sink.OnDeliveryReport(id, false, "rejected by the SMSC");
    }
    if (report != nullptr && status.ok() && recorded_family != nullptr) {
      recorded_family->Add({{"report", report}}).Increment();
    }
    if (absl::IsNotFound(status)) {
      response.status = 404;
    } else if (!status.ok()) {
      log::Warn("delivery report not recorded", {{"message_id", id}, {"error", status}});
      response.status = 503;  // Kannel retries
    } else {
      response.status = 200;
    }
    response.set_content("ok\n", "text/plain");
  });
  if (port == 0) {
    server->port_ = server->server_->bind_to_any_port(host);
  } else {
    server->port_ = server->server_->bind_to_port(host, port) ? port : -1;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("delivery reports: cannot listen on ", host, ":", port));
  }
  httplib::Server* raw = server->server_.get();
  server->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  return server;
}

DeliveryReportServer::~DeliveryReportServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string DeliveryReportServer::url() const { return absl::StrCat("http://", host_, ":", port_, "/dlr"); }

}  // namespace himaya::notification
