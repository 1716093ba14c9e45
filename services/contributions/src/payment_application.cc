#include "contributions/src/payment_application.h"

#include <algorithm>
#include <vector>

#include "contributions/src/call_store.h"
#include "contributions/src/contribution_events.h"
#include "contributions/src/payment_store.h"
#include "core/status_macros.h"

namespace himaya::contributions {

absl::StatusOr<Application> ApplyPayment(storage::Transaction& tx, const events::EventSource& source,
                                         const PaymentRow& payment, int64_t available, const std::string& program,
                                         absl::FunctionRef<absl::Status(int64_t left)> keep) {
  ASSIGN_OR_RETURN(std::vector<Call> unpaid, CallStore::UnpaidOfForUpdate(tx, payment.registration_number));
  Application out;
  out.left_centimes = available;
  std::vector<absl::CivilMonth> periods;
  std::string event_program = program;
  for (const Call& call : unpaid) {
    const int64_t owed = call.amount_centimes - call.paid_centimes;
    const int64_t take = std::min(out.left_centimes, owed);
    out.still_owed_centimes += owed - take;
    if (take == 0) continue;
    if (periods.empty()) event_program = call.program;
    RETURN_IF_ERROR(CallStore::SetPaid(tx, call, call.paid_centimes + take));
    periods.push_back(call.period);
    out.left_centimes -= take;
  }
  RETURN_IF_ERROR(keep(out.left_centimes));
  ASSIGN_OR_RETURN(int64_t credit, PaymentStore::Credit(tx, payment.registration_number));
  const absl::Time now = source.clock->Now();
  RETURN_IF_ERROR(
      AppendContributionPaid(tx, source, {payment, event_program, periods, out.still_owed_centimes - credit, now}));
  return out;
}

}  // namespace himaya::contributions
