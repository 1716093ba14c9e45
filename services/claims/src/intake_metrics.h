// What the intake counts for /metrics: files received by channel (PORTAL, AGENT, PARTNER, BATCH) and bulk
// files received or refused whole. The program is not known at receipt (the decider's metrics
// are by program).
#pragma once

#include <cstdint>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace himaya::claims {

class IntakeMetrics {
 public:
  explicit IntakeMetrics(prometheus::Registry& registry);
  // `channel`: PORTAL, AGENT:<id>, PARTNER:<client> or BATCH:<sender>/<batch_id>, counted by its kind.
  void FilesReceived(const std::string& channel, int64_t files);
  // `what`: received or refused.
  void Batch(const std::string& what);

 private:
  prometheus::Family<prometheus::Counter>& files_;
  prometheus::Family<prometheus::Counter>& batches_;
};

}  // namespace himaya::claims
