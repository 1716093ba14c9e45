#include "claims/src/intake_metrics.h"

namespace himaya::claims {

IntakeMetrics::IntakeMetrics(prometheus::Registry& registry)
    : files_(prometheus::BuildCounter()
                 .Name("himaya_claims_received_total")
                 .Help("Reimbursement files received, by channel (PORTAL, AGENT, PARTNER, BATCH)")
                 .Register(registry)),
      batches_(prometheus::BuildCounter()
                   .Name("himaya_claims_batches_total")
                   .Help("Bulk claims files received whole, or refused whole (count, sha256, CSV)")
                   .Register(registry)) {}

void IntakeMetrics::FilesReceived(const std::string& channel, int64_t files) {
  const std::string kind = channel.substr(0, channel.find(':'));
  files_.Add({{"channel", kind}}).Increment(static_cast<double>(files));
}

void IntakeMetrics::Batch(const std::string& what) { batches_.Add({{"what", what}}).Increment(); }

}  // namespace himaya::claims
