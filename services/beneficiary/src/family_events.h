// The events the beneficiary service publishes (protos/himaya/beneficiary/v1/events.proto), built
// in one place and appended to the outbox in the caller's transaction, on
// himaya.beneficiary.<program>.v1 keyed by the insured's number. No names, no CIN, no birth
// date, never a removal's note, never an account number.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
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

// What an AllowancePaid says: a household's confirmed line of a run.
struct AllowancePayment {
  std::string registration_number;
  std::string run_id;
  absl::CivilMonth month;
  int64_t children_with_right = 0;
  int64_t amount_centimes = 0;
  int64_t arrears_centimes = 0;
  int64_t recovery_centimes = 0;
  int64_t paid_centimes = 0;
  absl::CivilDay paid_on;
};
// AllowancePaid on himaya.beneficiary.family-allowances.v1. No account number.
absl::Status AppendAllowancePaid(storage::Transaction& tx, const events::EventSource& source,
                                 const AllowancePayment& payment, const core::Clock& clock);

}  // namespace himaya::beneficiary
