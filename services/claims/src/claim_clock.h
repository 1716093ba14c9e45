// The nine-day clock: how long files take from receipt to settlement (decided with nothing to
// pay, or paid), as a histogram observed at settlement by whoever settles a file (the decider,
// the review queue, the payment runs); the figures operations report, counted from the database
// by the service's figures pass (right after a restart, the same on every replica): files by
// program and state, the settled ones with the days they took, the files not settled yet by age,
// and those past their due date; and the list of overdue files, oldest first. Time comes from an
// injected clock, days from the service's time zone.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "claims/src/claim_lookup.h"
#include "core/clock.h"
#include "metrics/figures.h"
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
  // Shows each program's histogram from the start, empty (before any file is settled).
  void Expect(const std::vector<std::string>& programs);
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
  // Registers on `registry` himaya_claims_files{program,category,region,state},
  // himaya_claims_settled_files{program,category,region}, himaya_claims_settled_file_days{...}
  // (their days summed), himaya_claims_open{program,age} and himaya_claims_past_due{program};
  // "today" is the clock's day in `zone`. The service runs Refresh as its figures pass
  // (ServiceRuntime::AddFigures). Each of `programs` shows 0 settled and past due until it has some.
  ClaimClock(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
             absl::TimeZone zone = absl::UTCTimeZone(), std::vector<std::string> programs = {});

  // Counts again and sets the gauges; a group no longer present goes to 0.
  absl::Status Refresh();
  // Files not settled whose due date is before today, oldest received first, a page as
  // ListClaims gives one. INVALID_ARGUMENT for a bad page size or token.
  absl::StatusOr<ClaimPage> Overdue(int page_size, const std::string& page_token);

 private:
  absl::CivilDay Today() const { return absl::ToCivilDay(clock_.Now(), zone_); }
  storage::Database& db_;
  const core::Clock& clock_;
  const absl::TimeZone zone_;
  const std::vector<std::string> programs_;
  metrics::FigureGauge files_;
  metrics::FigureGauge settled_files_;
  metrics::FigureGauge settled_file_days_;
  metrics::FigureGauge open_;
  metrics::FigureGauge past_due_;
};

}  // namespace himaya::claims
