// The operations figures (the press conference's table): gauges of insured persons, spouses,
// children and all beneficiaries by program, category and region, computed from the database
// by a periodic GROUP BY, so that they are right at once after a restart and the same on every
// replica. Dependents count while covered by a period on the day (not pending, not refused).
#pragma once

#include <set>
#include <string>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::beneficiary {

class FamilyFigures {
 public:
  // Registers himaya_beneficiary_{insured,spouses,children,beneficiaries}{program,category,region}
  // on `registry`; refreshed every `interval` once started.
  FamilyFigures(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
                absl::Duration interval = absl::Seconds(15), absl::TimeZone zone = absl::UTCTimeZone());
  ~FamilyFigures() { Stop(); }

  // Counts again and sets the gauges; a group no longer present goes to 0.
  absl::Status Refresh();

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  using Group = std::tuple<std::string, std::string, std::string>;  // program, category, region
  storage::Database& db_;
  const core::Clock& clock_;
  const absl::Duration interval_;
  const absl::TimeZone zone_;
  prometheus::Family<prometheus::Gauge>& insured_;
  prometheus::Family<prometheus::Gauge>& spouses_;
  prometheus::Family<prometheus::Gauge>& children_;
  prometheus::Family<prometheus::Gauge>& beneficiaries_;
  absl::Mutex mu_;
  std::set<Group> seen_ ABSL_GUARDED_BY(mu_);
  core::BackgroundLoop loop_{[this] {
    (void)Refresh();
    return interval_;
  }};
};

}  // namespace himaya::beneficiary
