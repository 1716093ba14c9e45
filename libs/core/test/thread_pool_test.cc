// The handler pool: tasks run, a bounded queue refuses what it cannot hold, and destruction runs
// what was queued.
#include "core/thread_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace himaya::core {
namespace {

TEST(ThreadPool, RunsEveryTaskBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 100; ++i) pool.Schedule([&] { ++ran; });
  }
  EXPECT_EQ(ran, 100);
}

TEST(ThreadPool, BoundedQueueRefusesWhenFull) {
  absl::Notification started, release;
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1, /*max_queued=*/2);
    ASSERT_TRUE(pool.TrySchedule([&] {
      started.Notify();
      release.WaitForNotification();
    }));
    ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));  // the worker is busy
    EXPECT_TRUE(pool.TrySchedule([&] { ++ran; }));
    EXPECT_TRUE(pool.TrySchedule([&] { ++ran; }));
    EXPECT_EQ(pool.queued(), 2u);
    EXPECT_FALSE(pool.TrySchedule([&] { ran += 100; }));  // refused, and never run
    pool.Schedule([&] { ++ran; });                        // Schedule is not bounded
    EXPECT_EQ(pool.queued(), 3u);
    release.Notify();
  }
  EXPECT_EQ(ran, 3);
}

TEST(ThreadPool, UnboundedByDefault) {
  absl::Notification started, release;
  ThreadPool pool(1);
  pool.Schedule([&] {
    started.Notify();
    release.WaitForNotification();
  });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  for (int i = 0; i < 5000; ++i) EXPECT_TRUE(pool.TrySchedule([] {}));
  release.Notify();
}

}  // namespace
}  // namespace himaya::core
