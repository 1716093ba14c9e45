// The nine-day clock: how long files take from receipt to settlement (decided with nothing to
// pay, or paid), as a histogram observed at settlement by whoever settles a file (the decider,
// the review queue, the payment runs); gauges of the files not settled yet, by age and program,
// and of those past their due date, counted from the database on a period (right after a
// restart, the same on every replica); and the list of overdue files, oldest first. Time comes
// from an injected clock, days from the service's time zone.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "claims/src/claim_lookup.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::claims {

class ProcessingTime {
 public:
  // Registers himaya_claims_processing_days{program} (days from receipt to settlement) on
  // `registry`.
  explicit ProcessingTime(prometheus::Registry& registry);
  // A file of `program` received at `received_at` was settled at `settled_at`.
  void Observe(const std::string& program, absl::Time received_at, absl::Time settled_at);

 private:
  prometheus::Family<prometheus::Histogram>& days_;
};

// The age buckets of open files, in whole days since receipt: "0-2", "3-5", "6-8", "9-14",
// "15-30", "31+" (a file is due on day 9).
std::string AgeBucket(int64_t days);

class ClaimClock {
 public:
  // Registers himaya_claims_open{program,age} and himaya_claims_past_due{program} on `registry`,
  // refreshed every `interval` once started; "today" is the clock's day in `zone`.
  ClaimClock(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
             absl::TimeZone zone = absl::UTCTimeZone(), absl::Duration interval = absl::Minutes(1));
  ~ClaimClock() { Stop(); }

  // Counts again and sets the gauges; a group no longer present goes to 0.
  absl::Status Refresh();
  // Files not settled whose due date is before today, oldest received first, a page as
  // ListClaims gives one. INVALID_ARGUMENT for a bad page size or token.
  absl::StatusOr<ClaimPage> Overdue(int page_size, const std::string& page_token);

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  absl::CivilDay Today() const { return absl::ToCivilDay(clock_.Now(), zone_); }
  storage::Database& db_;
  const core::Clock& clock_;
  const absl::TimeZone zone_;
  const absl::Duration interval_;
  prometheus::Family<prometheus::Gauge>& open_;
  prometheus::Family<prometheus::Gauge>& past_due_;
  absl::Mutex mu_;
  std::set<std::pair<std::string, std::string>> seen_open_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> seen_past_due_ ABSL_GUARDED_BY(mu_);
  core::BackgroundLoop loop_{[this] {
    (void)Refresh();
    return interval_;
  }};
};

}  // namespace himaya::claims
