// The bodies held by all connections together are bounded (HttpServerOptions::
// max_buffered_body_bytes): past the budget a request is 503 in the envelope, with Retry-After,
// before its body is read; the room is given back when a request completes. Through the real
// server and a real HTTP client.
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gateway/src/http_server.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "stack/local_stack.h"

namespace himaya::gateway {
namespace {

class BodyBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.threads = 2;
    options.max_body_bytes = 4096;
    options.max_buffered_body_bytes = 6000;
    auto server = HttpServer::Start(
        options,
        [](HttpRequest& request, HttpResponse* response) { response->body = absl::StrCat(request.body.size()); },
        [](HttpRequest&, const ApiError& error, int status, HttpResponse* response) {
          WriteJsonError(error, "r", response, status);
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }
  httplib::Result Post(size_t bytes) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(10, 0);
    return client.Post("/", std::string(bytes, 'x'), "application/json");
  }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(BodyBudgetTest, ABodyPastTheBudgetOfAllConnectionsIs503UntilRoomIsGivenBack) {
  // A slow client holds 3000 bytes of a chunked body, and waits.
  absl::Notification release;
  int slow_status = 0;
  std::string slow_body;
  std::thread slow([&] {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(10, 0);
    const std::string part(3000, 's');
    httplib::Result result = client.Post(
        "/",
        [&](size_t offset, httplib::DataSink& sink) {
          if (offset == 0) return sink.write(part.data(), part.size());
          release.WaitForNotificationWithTimeout(absl::Seconds(20));
          sink.done();
          return true;
        },
        "application/json");
    if (result) {
      slow_status = result->status;
      slow_body = result->body;
    }
  });
  ASSERT_TRUE(
      stack::WaitUntil([&] { return server_->buffered_body_bytes() >= 3000; }, absl::Seconds(10), "the slow body held")
          .ok());

  auto refused = Post(4000);
  ASSERT_TRUE(refused) << httplib::to_string(refused.error());
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  nlohmann::json error = nlohmann::json::parse(refused->body, nullptr, false);
  ASSERT_TRUE(error.is_object()) << refused->body;
  EXPECT_EQ(error["error"]["code"], "UNAVAILABLE");
  auto small = Post(2000);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200) << "what fits in the budget is served";
  EXPECT_EQ(small->body, "2000");

  release.Notify();
  slow.join();
  EXPECT_EQ(slow_status, 200);
  EXPECT_EQ(slow_body, "3000");
  ASSERT_TRUE(
      stack::WaitUntil([&] { return server_->buffered_body_bytes() == 0; }, absl::Seconds(10), "the budget given back")
          .ok());
  auto again = Post(4000);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, "4000");
}

TEST(BodyBudgetOptionsTest, ABudgetBelowOneBodyIsRefused) {
  HttpServerOptions options;
  options.max_body_bytes = 4096;
  options.max_buffered_body_bytes = 4095;
  auto server = HttpServer::Start(
      options, [](HttpRequest&, HttpResponse*) {}, [](HttpRequest&, const ApiError&, int, HttpResponse*) {});
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("http_max_buffered_body_bytes"), std::string::npos) << server.status();
}

}  // namespace
}  // namespace himaya::gateway
