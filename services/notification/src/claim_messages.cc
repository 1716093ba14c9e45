#include "notification/src/claim_messages.h"

#include "absl/strings/str_cat.h"
#include "claims_file/dirhams.h"
#include "core/status_macros.h"
#include "himaya/claims/v1/events.pb.h"
#include "notification/src/message.h"

namespace himaya::notification {
namespace {

bool IsOutcome(const std::string& outcome) {
  return outcome == "ACCEPTED" || outcome == "PARTIAL" || outcome == "REJECTED";
}

}  // namespace

absl::Status ClaimMessages::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  using himaya::claims::v1::ClaimDecided;
  using himaya::claims::v1::ClaimPaid;
  if (envelope.type() == events::EventType<ClaimDecided>()) {
    ASSIGN_OR_RETURN(ClaimDecided event, events::Unpack<ClaimDecided>(envelope));
    if (!IsOutcome(event.outcome())) {
      return absl::InvalidArgumentError(
          absl::StrCat("ClaimDecided: outcome must be ACCEPTED, PARTIAL or REJECTED, not ", event.outcome()));
    }
    if (event.reimbursed_centimes() < 0) return absl::InvalidArgumentError("ClaimDecided: reimbursed_centimes < 0");
    if (event.claim_id().empty()) return absl::InvalidArgumentError("ClaimDecided: no claim_id");
    return messages_.Record(tx, envelope, event.registration_number(), event.program(), kTemplateClaimDecided,
                            {{"claim_id", event.claim_id()},
                             {"outcome", event.outcome()},
                             {"amount", claims_file::FormatDirhams(event.reimbursed_centimes())}});
  }
  if (envelope.type() == events::EventType<ClaimPaid>()) {
    ASSIGN_OR_RETURN(ClaimPaid event, events::Unpack<ClaimPaid>(envelope));
    if (event.paid_centimes() < 0) return absl::InvalidArgumentError("ClaimPaid: paid_centimes < 0");
    if (event.claim_id().empty()) return absl::InvalidArgumentError("ClaimPaid: no claim_id");
    return messages_.Record(
        tx, envelope, event.registration_number(), event.program(), kTemplateClaimPaid,
        {{"claim_id", event.claim_id()}, {"amount", claims_file::FormatDirhams(event.paid_centimes())}});
  }
  return absl::OkStatus();
}

}  // namespace himaya::notification
