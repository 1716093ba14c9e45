// The gateway client as a browser: the session cookie taken from Set-Cookie, sent back, dropped
// when the server clears it; headers in lower case; the error envelope's code; bodies as sent.
#include "stack/gateway_client.h"

#include <httplib.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::stack {
namespace {

class GatewayClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/v1/sessions", [](const httplib::Request& request, httplib::Response& response) {
      response.status = 201;
      response.set_header("Set-Cookie", "theme=dark; Path=/");
      response.set_header("Set-Cookie", "__Host-himaya_session=tok3n; HttpOnly; Secure; SameSite=Strict; Path=/");
      response.set_content(request.body, "application/json");
    });
    server_.Get("/v1/me", [](const httplib::Request& request, httplib::Response& response) {
      response.set_header("X-Request-Id", "r-1");
      response.set_content(absl::StrCat("{\"cookie\":\"", request.get_header_value("Cookie"), "\"}"),
                           "application/json");
    });
    server_.Delete("/v1/sessions/current", [](const httplib::Request&, httplib::Response& response) {
      response.set_header("Set-Cookie", "__Host-himaya_session=; Max-Age=0; Path=/");
      response.set_content("{}", "application/json");
    });
    server_.Post("/v1/broken", [](const httplib::Request& request, httplib::Response& response) {
      response.status = 400;
      response.set_content(absl::StrCat("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"",
                                        request.get_header_value("Content-Type"), "\"}}"),
                           "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    serving_ = std::thread([this] { server_.listen_after_bind(); });
  }
  void TearDown() override {
    server_.stop();
    if (serving_.joinable()) serving_.join();
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread serving_;
};

TEST_F(GatewayClientTest, KeepsTheSessionCookieUntilTheServerClearsIt) {
  GatewayClient client(absl::StrCat("127.0.0.1:", port_));
  EXPECT_EQ(client.CookieHeader(), "");
  auto in = client.Post("/v1/sessions", {{"registration_number", "100000017"}});
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->status, 201);
  EXPECT_EQ(in->Json()["registration_number"], "100000017");
  EXPECT_EQ(client.session(), "tok3n");
  EXPECT_EQ(client.CookieHeader(), "__Host-himaya_session=tok3n");
  EXPECT_EQ(in->headers.count("set-cookie"), 2u);

  auto me = client.Get("/v1/me");
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->Json()["cookie"], "__Host-himaya_session=tok3n");
  EXPECT_EQ(me->Header("x-request-id"), "r-1");
  EXPECT_EQ(me->content_type, "application/json");
  EXPECT_EQ(me->ErrorCode(), "");

  auto out = client.Delete("/v1/sessions/current");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(client.session(), "");
  me = client.Get("/v1/me");
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->Json()["cookie"], "") << "no cookie once cleared";
}

TEST_F(GatewayClientTest, SendsRawBodiesAndReadsTheErrorEnvelope) {
  GatewayClient client(absl::StrCat("127.0.0.1:", port_));
  auto answer = client.Send("POST", "/v1/broken", "{\"a\":", "application/json");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(answer->ErrorCode(), "INVALID_ARGUMENT");
  EXPECT_EQ(answer->Json()["error"]["message"], "application/json");
  EXPECT_EQ(answer->Header("absent"), "");
}

TEST(GatewayClient, NobodyListeningIsUnavailable) {
  GatewayClient client("127.0.0.1:1");
  auto answer = client.Get("/v1/me");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace himaya::stack
