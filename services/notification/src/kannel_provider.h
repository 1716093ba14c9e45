// Kannel, the open-source SMS gateway, as a provider: messages go to smsbox's HTTP sendsms
// interface (UTF-8 text; coding=2 for UCS-2), each with a dlr-url that brings its delivery
// reports (dlr-mask 1+2+16: delivered, not delivered, rejected by the SMSC) back to the
// DeliveryReportServer of this process. The dlr-url carries a secret token: the endpoint takes
// only callbacks that bring it back, so nobody else can close messages or forge reports.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "notification/src/sms_provider.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace httplib {
class Server;
}

namespace himaya::notification {

struct KannelOptions {
  std::string sendsms_url;  // e.g. http://127.0.0.1:13013/cgi-bin/sendsms
  std::string username;
  std::string password;
  std::string sender = "CNSS";
  // Where Kannel calls back, e.g. http://127.0.0.1:8089/dlr
  std::string dlr_url;
  // Put in the dlr-url as `token`; the DeliveryReportServer's token.
  std::string dlr_token;
};

// Thread-safe: each sending thread keeps its own connection.
class KannelProvider final : public SmsProvider {
 public:
  explicit KannelProvider(KannelOptions options) : options_(std::move(options)) {}
  std::string name() const override { return "kannel"; }
  absl::StatusOr<std::string> Submit(const OutgoingSms& sms) override;

 private:
  KannelOptions options_;
};

// Receives delivery reports over HTTP: GET /dlr?token=T&message_id=ID&type=N (Kannel's %d),
// where type 1 is delivered, 2 not delivered to the phone and 16 rejected by the SMSC; 4 and 8
// are intermediate and change nothing. A callback without the token, or with another, gets 403
// and is counted (himaya_notification_delivery_reports_refused_total) and logged, without its
// parameters.
// himaya_notification_delivery_reports_total{report} on `registry`, its delivered and failed
// series shown from the start at 0 (a process whose provider gives no reports keeps them there).
prometheus::Family<prometheus::Counter>& DeliveryReportCounters(prometheus::Registry& registry);

class DeliveryReportServer {
 public:
  // Listens on `host`, on `port` (0: any free port), accepting callbacks that carry `token`
  // (INVALID_ARGUMENT when empty).
  static absl::StatusOr<std::unique_ptr<DeliveryReportServer>> Start(const std::string& host, int port,
                                                                     const std::string& token, DeliveryReportSink& sink,
                                                                     prometheus::Registry* registry = nullptr);
  ~DeliveryReportServer();
  int port() const { return port_; }
  // Callbacks refused for a missing or wrong token.
  int64_t refused() const { return refused_.load(); }
  // The URL to give Kannel as dlr-url.
  std::string url() const;

 private:
  DeliveryReportServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
  std::atomic<int64_t> refused_{0};
};

// What a delivery-report callback says: the message, and Kannel's type (see above).
struct DeliveryReport {
  std::string message_id;
  int type = 0;
};

// Reads the (decoded) query parameters of a callback; when a name repeats, its first value
// counts. PERMISSION_DENIED when the token is missing (message "missing_token") or another
// ("wrong_token"); INVALID_ARGUMENT when message_id is empty or type is not a number.
absl::StatusOr<DeliveryReport> ReadDeliveryReport(const std::multimap<std::string, std::string>& params,
                                                  const std::string& token);

// Percent-encodes `text` for a URL query.
std::string UrlEncode(absl::string_view text);

}  // namespace himaya::notification
