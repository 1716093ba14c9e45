// One background loop: a pass function run over and over on a thread of its own, idling between
// passes for as long as the last pass asked, unless woken. The outbox relay, the SMS dispatcher,
// the batch applier and campaigns each run on one; a new worker should too, rather than a thread,
// a mutex and a condition variable written by hand.
//
// The idle wait is a condition wait with a deadline on the real clock (never a sleep): Wake and
// Stop end it at once. A pass that schedules work by time (every second, every five) reads its
// own injected core::Clock. A pass logs its own errors: the loop only needs to know how long to
// idle.
#pragma once

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace himaya::core {

class BackgroundLoop {
 public:
  // Runs one pass; returns how long to idle before the next one, unless woken. Zero (or less):
  // more work is waiting, run again at once.
  using Pass = std::function<absl::Duration()>;

  explicit BackgroundLoop(Pass pass);
  // Stops the loop.
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // Starts the thread; the first pass runs at once. Does nothing when already started or
  // stopped.
  void Start();
  // Cuts the current idle short, or, when a pass is running, the idle after it: a wake is never
  // lost.
  void Wake();
  // Lets the running pass finish, then ends the thread and joins it; no pass starts after it is
  // asked. Idempotent, callable from any thread but a pass, before Start too.
  void Stop();
  // True once Stop was asked: a long pass checks it between steps to end early.
  bool stopping() const;

 private:
  void Run();

  const Pass pass_;
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  // Held while joining, so that two Stop calls do not join the thread twice.
  absl::Mutex join_mu_;
  std::thread thread_ ABSL_GUARDED_BY(join_mu_);
};

}  // namespace himaya::core
