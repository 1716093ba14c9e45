// A fixed pool of worker threads running queued tasks in order of arrival. RPC handlers that
// block (database work) run here rather than on gRPC's callback threads. The queue may be
// bounded, so that a burst is refused at once rather than waited on past every deadline.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace himaya::core {

class ThreadPool {
 public:
  // `max_queued` bounds the tasks waiting for a worker, as TrySchedule sees them; 0: unbounded.
  explicit ThreadPool(int threads, size_t max_queued = 0);
  // Runs every task already queued, then joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task` whatever the bound; after destruction has begun, runs it on the calling thread.
  void Schedule(std::function<void()> task);
  // Queues `task` unless `max_queued` tasks are already waiting: then returns false and drops
  // it. After destruction has begun, runs it on the calling thread (true).
  bool TrySchedule(std::function<void()> task);
  // Tasks waiting for a worker.
  size_t queued();

 private:
  bool Enqueue(std::function<void()>& task, bool bounded);
  void Work();
  const size_t max_queued_;
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace himaya::core
