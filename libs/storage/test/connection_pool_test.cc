// The pool every backend hands its connections out from: first come, first served.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "storage/connection.h"

namespace himaya::storage::internal {
namespace {

// A connection that runs nothing: the pool's order is what is tested, not a backend.
class IdleConnection final : public Connection {
 public:
  absl::Status Begin(bool) override { return absl::OkStatus(); }
  absl::Status Commit() override { return absl::OkStatus(); }
  void Rollback() override {}
  absl::StatusOr<int64_t> Execute(absl::string_view, Params) override { return 0; }
  absl::StatusOr<std::vector<Row>> Query(absl::string_view, Params) override { return std::vector<Row>{}; }
  absl::Status ExecuteScript(absl::string_view) override { return absl::OkStatus(); }
  Dialect dialect() const override { return Dialect::kSqlite; }
};

ConnectionPool OneConnection() {
  std::vector<std::unique_ptr<Connection>> connections;
  connections.push_back(std::make_unique<IdleConnection>());
  return ConnectionPool(std::move(connections));
}

TEST(ConnectionPool, AThreadThatAsksAgainAtOnceQueuesBehindTheOneWaiting) {
  ConnectionPool pool = OneConnection();
  absl::Mutex mu;
  std::vector<std::string> order;
  auto ran = [&](const std::string& who) {
    absl::MutexLock lock(&mu);
    order.push_back(who);
    return absl::OkStatus();
  };
  std::thread other;
  EXPECT_TRUE(pool.Run(true,
                       [&](Transaction&) {
                         other = std::thread(
                             [&] { EXPECT_TRUE(pool.Run(true, [&](Transaction&) { return ran("other"); }).ok()); });
                         // Until the other thread waits for this connection.
                         while (pool.Waiting() == 0) std::this_thread::yield();
                         return ran("first");
                       })
                  .ok());
  // Asked again at once, as a writer running chunk after chunk does.
  EXPECT_TRUE(pool.Run(true, [&](Transaction&) { return ran("again"); }).ok());
  if (other.joinable()) other.join();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "other", "again"}));
  EXPECT_EQ(pool.Waiting(), 0);
}

TEST(ConnectionPool, ManyThreadsSharingOneConnectionAllFinishAndLeaveNoTicketBehind) {
  ConnectionPool pool = OneConnection();
  std::atomic<int> ran{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(pool.Run(i % 2 == 0,
                             [&](Transaction&) {
                               ++ran;
                               return absl::OkStatus();
                             })
                        .ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ran.load(), 8 * 200);
  EXPECT_EQ(pool.Waiting(), 0);
}

}  // namespace
}  // namespace himaya::storage::internal
