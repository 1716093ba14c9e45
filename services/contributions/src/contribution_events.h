// The contributions service's events, built in one place and appended to the outbox inside the
// caller's transaction (topic himaya.contributions.<program>.v1, keyed by registration number).
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "contributions/src/call_store.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::contributions {

// ContributionCalled for each of `calls`.
absl::Status AppendContributionsCalled(storage::Transaction& tx, const events::EventSource& source,
                                       const std::vector<Call>& calls);

}  // namespace himaya::contributions
