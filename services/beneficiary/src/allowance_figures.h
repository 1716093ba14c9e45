// The family allowances' operations figures: gauges of the households and children paid and the
// amount paid by the last PAID run, by program (family-allowances) and region, counted from the
// database by the service's figures pass, so that they are right at once after a restart and
// the same on every replica.
#pragma once

#include <functional>

#include "absl/status/status.h"
#include "metrics/figures.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::beneficiary {

class AllowanceFigures {
 public:
  // Registers himaya_allowances_{households_paid,children_paid,paid_centimes}{program,region} on
  // `registry`. The service runs Refresh as a figures pass (ServiceRuntime::AddFigures).
  AllowanceFigures(storage::Database& db, prometheus::Registry& registry);

  // Counts the last PAID run's confirmed lines again and sets the gauges (nothing paid yet: no
  // group; a group no longer present goes to 0).
  absl::Status Refresh(const std::function<bool()>& stopping = nullptr);

 private:
  storage::Database& db_;
  metrics::FigureGauge households_;
  metrics::FigureGauge children_;
  metrics::FigureGauge paid_;
};

}  // namespace himaya::beneficiary
