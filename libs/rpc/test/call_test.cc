#include "rpc/call.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "rpc/server.h"

namespace himaya::rpc {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Answers SERVING, or the error its request's service names; "slow" answers only once released.
class ScriptedHealth final : public Health::CallbackService {
 public:
  explicit ScriptedHealth(core::ThreadPool& pool) : pool_(pool) {}
  absl::Notification release;
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    return Handle(context, pool_, [=]() -> absl::Status {
      if (request->service() == "missing") return absl::NotFoundError("service: nobody by that name");
      if (request->service() == "slow") release.WaitForNotificationWithTimeout(absl::Seconds(30));
      response->set_status(HealthCheckResponse::SERVING);
      return absl::OkStatus();
    });
  }

 private:
  core::ThreadPool& pool_;
};

class CallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = Server::Start({.services = {&service_}});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    address_ = absl::StrCat("127.0.0.1:", server_->port());
  }
  static HealthCheckRequest For(const std::string& service) {
    HealthCheckRequest request;
    request.set_service(service);
    return request;
  }
  core::ThreadPool pool_{2};
  ScriptedHealth service_{pool_};
  std::unique_ptr<Server> server_;
  std::string address_;
};

TEST_F(CallTest, ReturnsTheResponse) {
  absl::StatusOr<HealthCheckResponse> response = Call(address_, &Health::Stub::Check, For("any"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status(), HealthCheckResponse::SERVING);

  Health::Stub stub(NewChannel(address_));
  response = Call(stub, &Health::Stub::Check, For("any"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status(), HealthCheckResponse::SERVING);
}

TEST_F(CallTest, ReturnsTheServicesStatusAsItIs) {
  absl::StatusOr<HealthCheckResponse> response = Call(address_, &Health::Stub::Check, For("missing"));
  EXPECT_EQ(response.status(), absl::NotFoundError("service: nobody by that name"));
}

TEST_F(CallTest, EndsByItsDeadline) {
  const absl::Time start = absl::Now();
  absl::StatusOr<HealthCheckResponse> response =
      Call(address_, &Health::Stub::Check, For("slow"), absl::Milliseconds(200));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // the server still holds the call: only the deadline ended it
  service_.release.Notify();
}

TEST(Call, NothingAnsweringIsUnavailable) {
  absl::StatusOr<HealthCheckResponse> response =
      Call("127.0.0.1:1", &Health::Stub::Check, HealthCheckRequest(), absl::Seconds(5));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
}

}  // namespace
}  // namespace himaya::rpc
