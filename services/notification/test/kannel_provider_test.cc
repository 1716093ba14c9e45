// The Kannel provider's request and its error mapping against a stand-in HTTP server, and the
// delivery report endpoint's answers. (The real Kannel is in tests/e2e/kannel_delivery_test.cc.)
#include "notification/src/kannel_provider.h"

#include <httplib.h>

#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/http.h"
#include "testing/temp_dir.h"

namespace himaya::notification {
namespace {

using ::testing::HasSubstr;

// Answers sendsms with `status` and `body`, and keeps the last query.
class FakeSmsbox {
 public:
  FakeSmsbox() {
    server_.Get("/cgi-bin/sendsms", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mu_);
      params_ = request.params;
      response.status = status;
      response.set_content(body, "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeSmsbox() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/cgi-bin/sendsms"); }
  std::string param(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = params_.find(name);
    return it == params_.end() ? "" : it->second;
  }
  int status = 202;
  std::string body = "0: Accepted for delivery";

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::multimap<std::string, std::string> params_;
};

KannelOptions Options(const std::string& url) {
  return {url, "himaya", "p&ss word", "CNSS", "http://127.0.0.1:9/dlr", "t0ken"};
}

TEST(KannelProvider, SendsUtf8TextAndAsksForReportsWithItsMessageId) {
  FakeSmsbox smsbox;
  KannelProvider provider(Options(smsbox.url()));
  const std::string arabic = "\xd8\xb1\xd9\x82\xd9\x85 100000017 & more";
  auto id = provider.Submit({"m-1", "+212612345678", arabic, SmsEncoding::kUcs2});
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "m-1");
  EXPECT_EQ(smsbox.param("to"), "+212612345678");
  EXPECT_EQ(smsbox.param("text"), arabic) << "encoded and decoded intact";
  EXPECT_EQ(smsbox.param("password"), "p&ss word");
  EXPECT_EQ(smsbox.param("coding"), "2");
  EXPECT_EQ(smsbox.param("charset"), "UTF-8");
  EXPECT_EQ(smsbox.param("dlr-mask"), "19");
  EXPECT_EQ(smsbox.param("dlr-url"), "http://127.0.0.1:9/dlr?token=t0ken&message_id=m-1&type=%d");
  ASSERT_TRUE(provider.Submit({"m-2", "+212612345678", "salam", SmsEncoding::kGsm7}).ok());
  EXPECT_EQ(smsbox.param("coding"), "0");
}

TEST(KannelProvider, ATokenOfAnyCharactersComesBackIntactInTheReportsUrl) {
  FakeSmsbox smsbox;
  KannelOptions options = Options(smsbox.url());
  options.dlr_token = "a&b+c#d%e f";
  KannelProvider provider(options);
  ASSERT_TRUE(provider.Submit({"m-1", "+212612345678", "salam", SmsEncoding::kGsm7}).ok());
  // Kannel calls the dlr-url as given: its query must still name our token and message.
  const std::string dlr_url = smsbox.param("dlr-url");
  ASSERT_NE(dlr_url.find('?'), std::string::npos) << dlr_url;
  httplib::Params callback;
  httplib::detail::parse_query_text(dlr_url.substr(dlr_url.find('?') + 1), callback);
  ASSERT_EQ(callback.count("token"), 1u) << dlr_url;
  EXPECT_EQ(callback.find("token")->second, options.dlr_token);
  EXPECT_EQ(callback.find("message_id")->second, "m-1");
}

TEST(KannelProvider, RefusalsArePermanentAndOutagesTransient) {
  FakeSmsbox smsbox;
  KannelProvider provider(Options(smsbox.url()));
  smsbox.status = 403;
  smsbox.body = "Not routable. Do not try again.";
  auto refused = provider.Submit({"m", "+212612345678", "x", SmsEncoding::kGsm7});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("Not routable"));
  smsbox.status = 503;
  smsbox.body = "busy";
  EXPECT_EQ(provider.Submit({"m", "+212612345678", "x", SmsEncoding::kGsm7}).status().code(),
            absl::StatusCode::kUnavailable);
  KannelProvider nowhere(Options(absl::StrCat("http://127.0.0.1:", testing::FreePort(), "/cgi-bin/sendsms")));
  EXPECT_EQ(nowhere.Submit({"m", "+212612345678", "x", SmsEncoding::kGsm7}).status().code(),
            absl::StatusCode::kUnavailable);
  KannelProvider malformed(Options("not a url"));
  EXPECT_EQ(malformed.Submit({"m", "+212612345678", "x", SmsEncoding::kGsm7}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

class RecordingSink final : public DeliveryReportSink {
 public:
  absl::Status OnDeliveryReport(const std::string& id, bool delivered, const std::string& reason) override {
    std::lock_guard<std::mutex> lock(mu);
    if (id == "unknown") return absl::NotFoundError("unknown");
    if (id == "busy") return absl::UnavailableError("database busy");
    reports.push_back(absl::StrCat(id, delivered ? " delivered" : " failed: ", reason));
    return absl::OkStatus();
  }
  std::mutex mu;
  std::vector<std::string> reports;
};

TEST(DeliveryReportServer, MapsKannelsTypesAndAnswersBadRequests) {
  RecordingSink sink;
  auto server = DeliveryReportServer::Start("127.0.0.1", 0, "t0ken", sink);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  EXPECT_EQ((*server)->url(), absl::StrCat("http://", address, "/dlr"));
  auto status_of = [&](const std::string& query) {
    return testing::HttpGet(address, "/dlr" + query.substr(0, 1) + "token=t0ken&" + query.substr(1))->status;
  };
  EXPECT_EQ(status_of("?message_id=a&type=1"), 200);
  EXPECT_EQ(status_of("?message_id=b&type=2"), 200);
  EXPECT_EQ(status_of("?message_id=c&type=16"), 200);
  EXPECT_EQ(status_of("?message_id=d&type=8"), 200) << "intermediate: accepted, nothing changes";
  EXPECT_EQ(status_of("?message_id=e&type=4"), 200);
  EXPECT_EQ(status_of("?type=1"), 400);
  EXPECT_EQ(status_of("?message_id=a&type=one"), 400);
  EXPECT_EQ(status_of("?message_id=unknown&type=1"), 404);
  EXPECT_EQ(status_of("?message_id=busy&type=1"), 503) << "Kannel retries";
  std::lock_guard<std::mutex> lock(sink.mu);
  EXPECT_THAT(sink.reports, ::testing::ElementsAre("a delivered", "b failed: not delivered to the phone",
                                                   "c failed: rejected by the SMSC"));
}

TEST(DeliveryReportServer, RefusesCallbacksWithoutTheTokenAndCountsThem) {
  RecordingSink sink;
  prometheus::Registry registry;
  EXPECT_EQ(DeliveryReportServer::Start("127.0.0.1", 0, "", sink).status().code(), absl::StatusCode::kInvalidArgument);
  auto server = DeliveryReportServer::Start("127.0.0.1", 0, "t0ken", sink, &registry);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  std::ostringstream logged;
  log::SetSinkForTesting(&logged);
  EXPECT_EQ(testing::HttpGet(address, "/dlr?message_id=forged-7&type=1")->status, 403);
  EXPECT_EQ(testing::HttpGet(address, "/dlr?token=guess&message_id=forged-8&type=2")->status, 403);
  EXPECT_EQ(testing::HttpGet(address, "/dlr?token=t0ke&message_id=forged-9&type=1")->status, 403);
  EXPECT_EQ(testing::HttpGet(address, "/dlr?token=t0ken&message_id=real&type=1")->status, 200);
  log::SetSinkForTesting(nullptr);
  EXPECT_EQ((*server)->refused(), 3);
  double counted = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "himaya_notification_delivery_reports_refused_total") continue;
    for (const auto& metric : family.metric) counted += metric.counter.value;
  }
  EXPECT_EQ(counted, 3);
  EXPECT_THAT(logged.str(), HasSubstr("delivery report refused"));
  EXPECT_THAT(logged.str(), HasSubstr("missing_token"));
  EXPECT_THAT(logged.str(), HasSubstr("wrong_token"));
  EXPECT_THAT(logged.str(), ::testing::Not(HasSubstr("forged"))) << "nothing of the request is logged";
  EXPECT_THAT(logged.str(), ::testing::Not(HasSubstr("guess")));
  std::lock_guard<std::mutex> lock(sink.mu);
  EXPECT_THAT(sink.reports, ::testing::ElementsAre("real delivered")) << "only the callback with the token";
}

TEST(DeliveryReport, IsReadFromTheQueryWithTheTokenFirst) {
  using Params = std::multimap<std::string, std::string>;
  absl::StatusOr<DeliveryReport> report =
      ReadDeliveryReport(Params{{"token", "s"}, {"message_id", "m/1"}, {"type", "16"}, {"type", "1"}}, "s");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->message_id, "m/1");
  EXPECT_EQ(report->type, 16) << "the first value of a repeated name counts";
  EXPECT_EQ(ReadDeliveryReport(Params{{"message_id", "m"}, {"type", "1"}}, "s").status().message(), "missing_token");
  EXPECT_EQ(ReadDeliveryReport(Params{{"token", "S"}, {"type", "x"}}, "s").status().message(), "wrong_token");
  EXPECT_EQ(ReadDeliveryReport(Params{{"token", "s"}, {"message_id", ""}, {"type", "1"}}, "s").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ReadDeliveryReport(Params{{"token", "s"}, {"message_id", "m"}, {"type", "99999999999"}}, "s").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(UrlEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(UrlEncode("aZ9-_.~"), "aZ9-_.~");
  EXPECT_EQ(UrlEncode("+212 6&x=%d"), "%2B212%206%26x%3D%25d");
  EXPECT_EQ(UrlEncode("\xd8\xb3"), "%D8%B3");
}

}  // namespace
}  // namespace himaya::notification
