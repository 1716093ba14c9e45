// Business figures: gauges a service computes from its own database by a periodic pass (persons
// registered, accounts activated, claim files by state, messages by status, ...), so that they
// are right at once after a restart and the same on every replica. Operations aggregate replicas
// with max, never sum.
//
// A FigureGauge is one gauge family whose whole content each pass replaces: a group of labels
// counted before and absent now is set to 0, so a series neither vanishes from a graph nor keeps
// a stale value. A FiguresPass runs a count on a thread of its own every interval (longer when
// the count is slow: it idles at least nine times as long as the last pass took, so figures
// never take more than a tenth of the database's time), and records how long each pass took and
// when the last one ended, for the alert on stale figures.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace himaya::metrics {

class FigureGauge {
 public:
  // Values by label values, given in the order of the family's label names.
  using Values = std::map<std::vector<std::string>, double>;

  // Registers the gauge family `name` with `label_names` on `registry`.
  FigureGauge(prometheus::Registry& registry, const std::string& name, const std::string& help,
              std::vector<std::string> label_names);

  // Sets every group of `values`, and 0 for each group published before and absent now. A group
  // whose label values are not as many as the label names is a defect: it is skipped, logged.
  void Publish(const Values& values);

 private:
  prometheus::Family<prometheus::Gauge>& family_;
  const std::vector<std::string> label_names_;
  absl::Mutex mu_;
  std::set<std::vector<std::string>> seen_ ABSL_GUARDED_BY(mu_);
};

class FiguresPass {
 public:
  // True once the pass is asked to stop: a long count checks it between steps and gives up
  // (CANCELLED), so that a process stops in time.
  using Stopping = std::function<bool()>;
  // Counts and publishes; an error leaves the figures as they were (and is logged).
  using Count = std::function<absl::Status(const Stopping& stopping)>;

  // `name` labels this pass's himaya_figures_pass_seconds{figures} (how long the last successful
  // pass took) and himaya_figures_pass_timestamp_seconds{figures} (when it ended, by `clock`).
  FiguresPass(prometheus::Registry& registry, const std::string& name, const core::Clock& clock,
              absl::Duration interval, Count count);
  ~FiguresPass() { Stop(); }
  FiguresPass(const FiguresPass&) = delete;
  FiguresPass& operator=(const FiguresPass&) = delete;

  // Runs one pass now, on the caller's thread.
  absl::Status RunOnce();
  // Starts the periodic passes (the first at once); Stop lets a running pass finish.
  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

  // The idle after a pass of `took`: `interval`, or nine times `took` when that is longer.
  static absl::Duration IdleAfter(absl::Duration interval, absl::Duration took);

 private:
  const std::string name_;
  const core::Clock& clock_;
  const absl::Duration interval_;
  const Count count_;
  prometheus::Gauge& seconds_;
  prometheus::Gauge& timestamp_;
  absl::Mutex mu_;
  absl::Duration last_took_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  core::BackgroundLoop loop_;
};

}  // namespace himaya::metrics
