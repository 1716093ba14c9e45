// The background loop: passes run at once while work waits, idle as long as asked otherwise, a
// wake cuts the idle short and is never lost, and Stop lets a pass finish, starts no other and may
// be called again. Every wait here is on a condition with a deadline.
#include "core/background_loop.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace himaya::core {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(10);

// Counts passes (with the real time each began) and lets a test wait for a number of them.
class Passes {
 public:
  void Record() {
    absl::MutexLock lock(&mu_);
    started_.push_back(absl::Now());
  }
  // True when `n` passes began before the deadline.
  bool WaitFor(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return static_cast<int>(started_.size()) >= n; };
    const absl::Time deadline = absl::Now() + kDeadline;
    while (!reached() && absl::Now() < deadline) cv_.WaitWithDeadline(&mu_, deadline);
    return reached();
  }
  int count() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(started_.size());
  }
  std::vector<absl::Time> started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  void Notify() {
    absl::MutexLock lock(&mu_);
    cv_.SignalAll();
  }

 private:
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::vector<absl::Time> started_ ABSL_GUARDED_BY(mu_);
};

// Records each pass and wakes a waiting test; returns `idle`.
BackgroundLoop::Pass Counting(Passes& passes, absl::Duration idle) {
  return [&passes, idle] {
    passes.Record();
    passes.Notify();
    return idle;
  };
}

TEST(BackgroundLoop, RunsTheFirstPassAtOnceAndAnotherAtOnceWhileWorkIsWaiting) {
  Passes passes;
  BackgroundLoop loop(Counting(passes, absl::ZeroDuration()));
  loop.Start();
  EXPECT_TRUE(passes.WaitFor(50));
}

TEST(BackgroundLoop, IdlesAsLongAsThePassAskedWhenNothingIsWaiting) {
  Passes passes;
  const absl::Duration idle = absl::Milliseconds(100);
  BackgroundLoop loop(Counting(passes, idle));
  loop.Start();
  ASSERT_TRUE(passes.WaitFor(4));
  loop.Stop();
  std::vector<absl::Time> started = passes.started();
  for (size_t i = 1; i < started.size(); ++i) {
    // A loop that ignored the idle (a busy loop) would start passes microseconds apart.
    EXPECT_GE(started[i] - started[i - 1], idle) << "between passes " << i - 1 << " and " << i;
  }
}

TEST(BackgroundLoop, AWakeCutsTheIdleShort) {
  Passes passes;
  BackgroundLoop loop(Counting(passes, absl::Hours(1)));
  loop.Start();
  ASSERT_TRUE(passes.WaitFor(1));
  loop.Wake();
  EXPECT_TRUE(passes.WaitFor(2));
  loop.Wake();
  EXPECT_TRUE(passes.WaitFor(3));
}

TEST(BackgroundLoop, AWakeDuringAPassIsNotLost) {
  Passes passes;
  absl::Notification in_first_pass, release;
  BackgroundLoop loop([&] {
    passes.Record();
    if (passes.count() == 1) {
      in_first_pass.Notify();
      release.WaitForNotification();
    }
    passes.Notify();
    return absl::Hours(1);
  });
  loop.Start();
  ASSERT_TRUE(in_first_pass.WaitForNotificationWithTimeout(kDeadline));
  loop.Wake();  // while the first pass runs: the idle after it is cut short
  release.Notify();
  EXPECT_TRUE(passes.WaitFor(2));
}

TEST(BackgroundLoop, StopDuringAPassWaitsForItAndStartsNoOther) {
  absl::Notification in_pass, release;
  std::atomic<int> passes{0};
  std::atomic<bool> pass_finished{false};
  BackgroundLoop loop([&] {
    ++passes;
    in_pass.Notify();
    release.WaitForNotification();
    pass_finished = true;
    return absl::ZeroDuration();  // more is waiting: only Stop keeps the next pass from running
  });
  loop.Start();
  ASSERT_TRUE(in_pass.WaitForNotificationWithTimeout(kDeadline));
  bool finished_when_stop_returned = false;
  std::thread stopper([&] {
    loop.Stop();
    finished_when_stop_returned = pass_finished;
  });
  const absl::Time deadline = absl::Now() + kDeadline;
  while (!loop.stopping() && absl::Now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(loop.stopping());
  release.Notify();
  stopper.join();
  EXPECT_TRUE(finished_when_stop_returned) << "Stop returned before the pass had finished";
  EXPECT_EQ(passes, 1) << "a pass started after Stop was asked";
}

TEST(BackgroundLoop, StopIsIdempotentAndMayComeFromSeveralThreads) {
  Passes passes;
  BackgroundLoop loop(Counting(passes, absl::Hours(1)));
  loop.Start();
  ASSERT_TRUE(passes.WaitFor(1));
  std::thread a([&] { loop.Stop(); });
  std::thread b([&] { loop.Stop(); });
  a.join();
  b.join();
  loop.Stop();
  EXPECT_TRUE(loop.stopping());
  EXPECT_EQ(passes.count(), 1);
}  // and the destructor stops once more

TEST(BackgroundLoop, AStoppedLoopNeverStartsAndNoPassRunsAfterStop) {
  Passes passes;
  {
    BackgroundLoop loop(Counting(passes, absl::ZeroDuration()));
    loop.Stop();
    loop.Start();
    loop.Wake();
  }
  EXPECT_EQ(passes.count(), 0);

  BackgroundLoop busy(Counting(passes, absl::ZeroDuration()));
  busy.Start();
  ASSERT_TRUE(passes.WaitFor(3));
  busy.Stop();
  const int at_stop = passes.count();
  busy.Wake();
  busy.Start();
  EXPECT_EQ(passes.count(), at_stop);
}

TEST(BackgroundLoop, TheDestructorStopsARunningLoop) {
  Passes passes;
  {
    BackgroundLoop loop(Counting(passes, absl::Hours(1)));
    loop.Start();
    ASSERT_TRUE(passes.WaitFor(1));
  }  // would block an hour (or fail the test's timeout) if the idle were not cut short
  EXPECT_EQ(passes.count(), 1);
}

}  // namespace
}  // namespace himaya::core
