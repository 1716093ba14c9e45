// The nine-day clock: how long files take from receipt to settlement (decided with nothing to
// pay, or paid), as a histogram observed at settlement by whoever settles a file (the decider,
// the review queue, the payment runs).
#pragma once

#include <string>

#include "absl/time/time.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

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

}  // namespace himaya::claims
