// A payment's money applied to an insured's unpaid calls, oldest first, with ContributionPaid:
// one code for a payment of a file applied on import and for the credit a payment kept, taken
// by calls made after it.
#pragma once

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "contributions/src/payment_file.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::contributions {

struct Application {
  // What is left of the money applied (kept as the payment's credit).
  int64_t left_centimes = 0;
  // What the insured still owes on calls after it.
  int64_t still_owed_centimes = 0;
};

// Settles `payment.registration_number`'s unpaid calls (payer INSURED) oldest first with
// `available` centimes of `payment`, then calls `keep(left)` (which records what the payment
// keeps as credit) and appends ContributionPaid with the balance after it. `program`: the
// program of the event when no call is settled.
absl::StatusOr<Application> ApplyPayment(storage::Transaction& tx, const events::EventSource& source,
                                         const PaymentRow& payment, int64_t available, const std::string& program,
                                         absl::FunctionRef<absl::Status(int64_t left)> keep);

}  // namespace himaya::contributions
