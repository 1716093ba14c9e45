#include "contributions/src/contribution_status.h"

#include "contributions/src/insured_store.h"
#include "contributions/src/payment_store.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"

namespace himaya::contributions {

absl::StatusOr<ContributionStatus> ContributionStatuses::Get(absl::string_view registration_number) const {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), zone_);
  ContributionStatus status;
  status.registration_number = std::string(registration_number);
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Insured> insured, InsuredStore::Find(tx, registration_number));
    if (insured.empty()) {
      return absl::NotFoundError("registration_number: no insured of a program with contributions has this number");
    }
    ASSIGN_OR_RETURN(status.calls, CallStore::OfInsured(tx, registration_number));
    ASSIGN_OR_RETURN(int64_t credit, PaymentStore::Credit(tx, registration_number));
    status.balance_centimes = -credit;
    ASSIGN_OR_RETURN(status.suspensions, SuspensionStore::OpenOf(tx, registration_number));
    return absl::OkStatus();
  }));
  for (const Call& c : status.calls) {
    if (c.payer != Payer::kInsured) continue;  // billed to the state: not the insured's to pay
    const int64_t unpaid = c.amount_centimes - c.paid_centimes;
    status.balance_centimes += unpaid;
    if (c.due_date < today) status.arrears_centimes += unpaid;
  }
  return status;
}

}  // namespace himaya::contributions
