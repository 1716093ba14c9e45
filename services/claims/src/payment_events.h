// ClaimPaid (protos/himaya/claims/v1/events.proto), built in one place and appended to the outbox
// in the caller's transaction, on himaya.claims.<program>.v1 keyed by the insured's number:
// the file, its program, the run and the amount; no names, no acts.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "claims/src/payment_store.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::claims {

// ClaimPaid for each file of `paid`, paid by the run `run_id` at `paid_at`.
absl::Status AppendClaimsPaid(storage::Transaction& tx, const events::EventSource& source, absl::string_view run_id,
                              const std::vector<RunClaim>& paid, absl::Time paid_at);

}  // namespace himaya::claims
