// The events the beneficiary service publishes (protos/himaya/beneficiary/v1/events.proto), built
// in one place and appended to the outbox in the caller's transaction, on
// himaya.beneficiary.<program>.v1 keyed by the insured's number. No names, no CIN, no birth
// date, never a removal's note.
#pragma once

#include "absl/status/status.h"
#include "beneficiary/src/family.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::beneficiary {

// BeneficiaryDeclared for `dependent`, from the start of its first period.
absl::Status AppendDeclared(storage::Transaction& tx, const events::EventSource& source, const Dependent& dependent,
                            const core::Clock& clock);
// BeneficiaryRemoved for `dependent`, whose coverage ended on `end` for `reason`.
absl::Status AppendRemoved(storage::Transaction& tx, const events::EventSource& source, const Dependent& dependent,
                           absl::CivilDay end, absl::string_view reason, const core::Clock& clock);

}  // namespace himaya::beneficiary
