// The figures operations watch for contributions, counted from the service's own database by its
// figures pass (right after a restart, the same on every replica: aggregate replicas with max):
// by program and region, the contributions called and paid (centimes, every period), the insured
// in arrears (a call billed to them unpaid after its due date) and those suspended now. Each
// program served shows 0 under region "" until it has some, so that no panel starts empty.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "metrics/figures.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::contributions {

class ContributionFigures {
 public:
  // Registers on `registry` himaya_contributions_called_centimes{program,region},
  // himaya_contributions_paid_centimes{program,region},
  // himaya_contributions_insured_in_arrears{program,region} and
  // himaya_contributions_insured_suspended{program,region}; "today" (for arrears) is the clock's
  // day in `zone`.
  ContributionFigures(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
                      absl::TimeZone zone, std::vector<std::string> programs);

  // Counts again and publishes (a group no longer present goes to 0); nothing is published when
  // a query fails or the pass is asked to stop.
  absl::Status Refresh(const metrics::FiguresPass::Stopping& stopping);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const absl::TimeZone zone_;
  const std::vector<std::string> programs_;
  metrics::FigureGauge called_;
  metrics::FigureGauge paid_;
  metrics::FigureGauge in_arrears_;
  metrics::FigureGauge suspended_;
};

}  // namespace himaya::contributions
