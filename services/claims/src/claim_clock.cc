#include "claims/src/claim_clock.h"

#include <algorithm>

namespace himaya::claims {
namespace {

const prometheus::Histogram::BucketBoundaries& DayBuckets() {
  static const auto* const buckets =
      new prometheus::Histogram::BucketBoundaries{0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 60};
  return *buckets;
}

}  // namespace

ProcessingTime::ProcessingTime(prometheus::Registry& registry)
    : days_(prometheus::BuildHistogram()
                .Name("himaya_claims_processing_days")
                .Help("Days from a file's receipt to its settlement (decided with nothing to pay, or paid), by program")
                .Register(registry)) {}

void ProcessingTime::Observe(const std::string& program, absl::Time received_at, absl::Time settled_at) {
  const double days = std::max(0.0, absl::ToDoubleHours(settled_at - received_at) / 24.0);
  days_.Add({{"program", program}}, DayBuckets()).Observe(days);
}

}  // namespace himaya::claims
