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
  // `registry`. The service runs Refresh as a figures pass (ServiceRuntime::AddFigures). A process
  // that serves family-allowances (`serves_program`) shows it at 0 under region "" until a run is
  // paid, so that no panel starts empty.
  AllowanceFigures(storage::Database& db, prometheus::Registry& registry, bool serves_program = true);

  // Counts the last PAID run's confirmed lines again and sets the gauges (a group no longer
  // present goes to 0).
  absl::Status Refresh(const std::function<bool()>& stopping = nullptr);

 private:
  storage::Database& db_;
  const bool serves_program_;
  metrics::FigureGauge households_;
  metrics::FigureGauge children_;
  metrics::FigureGauge paid_;
};

}  // namespace himaya::beneficiary
