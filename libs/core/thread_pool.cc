#include "core/thread_pool.h"

namespace himaya::core {

ThreadPool::ThreadPool(int threads, size_t max_queued) : max_queued_(max_queued) {
  for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::Schedule(std::function<void()> task) { Enqueue(task, /*bounded=*/false); }

bool ThreadPool::TrySchedule(std::function<void()> task) { return Enqueue(task, /*bounded=*/true); }

size_t ThreadPool::queued() {
  absl::MutexLock lock(&mu_);
  return tasks_.size();
}

bool ThreadPool::Enqueue(std::function<void()>& task, bool bounded) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      if (bounded && max_queued_ > 0 && tasks_.size() >= max_queued_) return false;
      tasks_.push_back(std::move(task));
      cv_.Signal();
      return true;
    }
  }
  task();
  return true;
}

void ThreadPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && tasks_.empty()) cv_.Wait(&mu_);
      if (tasks_.empty()) return;  // stopping, and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace himaya::core
