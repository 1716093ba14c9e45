#include "core/background_loop.h"

#include <utility>

namespace himaya::core {

BackgroundLoop::BackgroundLoop(Pass pass) : pass_(std::move(pass)) {}

BackgroundLoop::~BackgroundLoop() { Stop(); }

void BackgroundLoop::Start() {
  absl::MutexLock join_lock(&join_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (started_ || stop_) return;
    started_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void BackgroundLoop::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
  cv_.Signal();
}

void BackgroundLoop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    cv_.Signal();
  }
  absl::MutexLock join_lock(&join_mu_);
  if (thread_.joinable()) thread_.join();
}

bool BackgroundLoop::stopping() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

void BackgroundLoop::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
      // A wake from here on is for the pass about to run, or the idle after it.
      woken_ = false;
    }
    const absl::Duration idle = pass_();
    absl::MutexLock lock(&mu_);
    if (idle <= absl::ZeroDuration()) continue;
    const absl::Time deadline = absl::Now() + idle;
    while (!stop_ && !woken_) {
      if (cv_.WaitWithDeadline(&mu_, deadline)) break;  // the idle ran out
    }
  }
}

}  // namespace himaya::core
