// The contributions service's events, built in one place and appended to the outbox inside the
// caller's transaction (topic himaya.contributions.<program>.v1, keyed by registration number).
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "contributions/src/call_store.h"
#include "contributions/src/payment_file.h"
#include "contributions/src/suspension_store.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::contributions {

// ContributionCalled for each of `calls`.
absl::Status AppendContributionsCalled(storage::Transaction& tx, const events::EventSource& source,
                                       const std::vector<Call>& calls);

// A payment applied: the row, the program of the first call it settled (the insured's first
// program when it settled none), the periods it settled and the balance after it.
struct AppliedPayment {
  const PaymentRow& row;
  std::string program;
  std::vector<absl::CivilMonth> periods;
  int64_t balance_centimes = 0;
  absl::Time applied_at;
};

// ContributionPaid for `payment`.
absl::Status AppendContributionPaid(storage::Transaction& tx, const events::EventSource& source,
                                    const AppliedPayment& payment);

// CoverageSuspended for `suspension`.
absl::Status AppendCoverageSuspended(storage::Transaction& tx, const events::EventSource& source,
                                     const Suspension& suspension);
// CoverageRestored of `suspension`: covered again from `from`, by `payment_id`.
absl::Status AppendCoverageRestored(storage::Transaction& tx, const events::EventSource& source,
                                    const Suspension& suspension, absl::CivilDay from, absl::string_view payment_id,
                                    absl::Time restored_at);

}  // namespace himaya::contributions
