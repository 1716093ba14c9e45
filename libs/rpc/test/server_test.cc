#include "rpc/server.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "rpc/client.h"

namespace himaya::rpc {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string Address(const Server& server) { return absl::StrCat("127.0.0.1:", server.port()); }

TEST(Server, ServesHealthAndCountsCalls) {
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::RpcMetrics rpc_metrics(*registry);
  auto server = Server::Start({.service_names = {"himaya.test.v1.Thing"}, .metrics = &rpc_metrics});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  EXPECT_EQ(CheckHealth(Address(**server)).value_or(false), true);
  EXPECT_EQ(CheckHealth(Address(**server), "himaya.test.v1.Thing").value_or(false), true);
  EXPECT_FALSE(CheckHealth(Address(**server), "himaya.test.v1.Unknown").ok());

  double served = 0;
  for (const auto& family : registry->Collect()) {
    if (family.name != "himaya_rpc_requests_total") continue;
    for (const auto& metric : family.metric) served += metric.counter.value;
  }
  EXPECT_EQ(served, 3);
}

TEST(Server, ShutdownStopsServing) {
  auto server = Server::Start({});
  ASSERT_TRUE(server.ok());
  std::string address = Address(**server);
  (*server)->Shutdown(absl::Seconds(1));
  EXPECT_FALSE(CheckHealth(address, "", absl::Milliseconds(500)).ok());
}

TEST(Server, BusyAddressIsUnavailable) {
  auto first = Server::Start({});
  ASSERT_TRUE(first.ok());
  auto second = Server::Start({.address = Address(**first)});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

// A service of our own, through Handle(): the domain's status reaches the client as is.
class EchoHealth final : public grpc::health::v1::Health::CallbackService {
 public:
  explicit EchoHealth(core::ThreadPool& pool) : pool_(pool) {}
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    return Handle(context, pool_, [=]() -> absl::Status {
      if (request->service() == "bad") return absl::InvalidArgumentError("service: bad");
      if (request->service() == "later")
        return WithRetryAfter(absl::ResourceExhaustedError("later"), absl::Seconds(42));
      response->set_status(HealthCheckResponse::SERVING);
      return absl::OkStatus();
    });
  }

 private:
  core::ThreadPool& pool_;
};

TEST(Handle, RunsOnThePoolAndMapsStatus) {
  core::ThreadPool pool(2);
  EchoHealth service(pool);
  auto server = Server::Start({.services = {&service}});
  ASSERT_TRUE(server.ok());
  auto stub = grpc::health::v1::Health::NewStub(NewChannel(Address(**server)));
  HealthCheckRequest request;
  HealthCheckResponse response;
  request.set_service("bad");
  auto context = NewContext();
  grpc::Status status = stub->Check(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "service: bad");
  request.set_service("good");
  auto context2 = NewContext();
  EXPECT_TRUE(stub->Check(context2.get(), request, &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(context2->GetServerTrailingMetadata().count(kRetryAfterMetadata), 0u);

  request.set_service("later");
  auto context3 = NewContext();
  EXPECT_EQ(stub->Check(context3.get(), request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto wait = context3->GetServerTrailingMetadata().find(kRetryAfterMetadata);
  ASSERT_NE(wait, context3->GetServerTrailingMetadata().end()) << "the wait is sent as trailing metadata";
  EXPECT_EQ(std::string(wait->second.data(), wait->second.size()), "42");
}

// Counts the calls whose work ran, through Handle().
class CountingHealth final : public grpc::health::v1::Health::CallbackService {
 public:
  explicit CountingHealth(core::ThreadPool& pool) : pool_(pool) {}
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    return Handle(context, pool_, [this, response]() -> absl::Status {
      ++ran;
      response->set_status(HealthCheckResponse::SERVING);
      return absl::OkStatus();
    });
  }
  std::atomic<int> ran{0};

 private:
  core::ThreadPool& pool_;
};

// Occupies the pool's only worker until `release` is notified.
void OccupyWorker(core::ThreadPool& pool, absl::Notification& release) {
  absl::Notification started;
  pool.Schedule([&] {
    started.Notify();
    release.WaitForNotification();
  });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

TEST(Handle, FullQueueAnswersResourceExhausted) {
  absl::Notification release;
  core::ThreadPool pool(1, /*max_queued=*/1);
  CountingHealth service(pool);
  auto server = Server::Start({.services = {&service}});
  ASSERT_TRUE(server.ok());
  auto stub = grpc::health::v1::Health::NewStub(NewChannel(Address(**server)));
  OccupyWorker(pool, release);
  absl::Notification queued_task_ran;
  pool.Schedule([&] { queued_task_ran.Notify(); });  // the queue now holds its one task
  HealthCheckResponse response;
  auto context = NewContext(absl::Seconds(10));
  const absl::Time start = absl::Now();
  grpc::Status status = stub->Check(context.get(), HealthCheckRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(status.error_message(), "server busy, try again");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // refused at once, not after waiting
  release.Notify();
  // Room again once the queued task has left the queue: the next call is served.
  ASSERT_TRUE(queued_task_ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  auto context2 = NewContext(absl::Seconds(10));
  EXPECT_TRUE(stub->Check(context2.get(), HealthCheckRequest(), &response).ok());
  EXPECT_EQ(service.ran, 1);
}

TEST(Handle, ExpiredCallIsNotRun) {
  absl::Notification release;
  auto pool = std::make_unique<core::ThreadPool>(1);
  CountingHealth service(*pool);
  auto server = Server::Start({.services = {&service}});
  ASSERT_TRUE(server.ok());
  auto stub = grpc::health::v1::Health::NewStub(NewChannel(Address(**server)));
  OccupyWorker(*pool, release);
  grpc::Status status;
  // Long enough for the call to reach the queue on a loaded machine.
  const absl::Duration deadline = absl::Seconds(3);
  const absl::Time sent = absl::Now();
  std::thread caller([&] {
    HealthCheckResponse response;
    auto context = NewContext(deadline);
    status = stub->Check(context.get(), HealthCheckRequest(), &response);
  });
  // The call waits in the queue...
  const absl::Time limit = absl::Now() + absl::Seconds(10);
  while (pool->queued() == 0 && absl::Now() < limit) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ(pool->queued(), 1u);
  caller.join();  // ...until its deadline passes
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server's deadline counts from when the call arrived, a little after the client's: the
  // worker is released once that one has passed too (the condition here is the time itself).
  const absl::Time server_deadline_passed = sent + deadline + absl::Seconds(1);
  while (absl::Now() < server_deadline_passed) absl::SleepFor(server_deadline_passed - absl::Now());
  release.Notify();
  pool.reset();  // runs what was queued
  EXPECT_EQ(service.ran, 0);
}

TEST(Client, DeadlineIsEnforced) {
  // Nothing listens there: the call must end by its deadline, not hang.
  absl::Time start = absl::Now();
  auto result = CheckHealth("127.0.0.1:1", "", absl::Milliseconds(300));
  EXPECT_FALSE(result.ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace himaya::rpc
