#include "notification/src/claim_messages.h"

#include "absl/strings/str_cat.h"
#include "claims_file/dirhams.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "himaya/claims/v1/events.pb.h"
#include "notification/src/audience_store.h"
#include "notification/src/message.h"
#include "notification/src/message_store.h"

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
    return Record(tx, envelope, event.claim_id(), event.registration_number(), event.program(), kTemplateClaimDecided,
                  {{"claim_id", event.claim_id()},
                   {"outcome", event.outcome()},
                   {"amount", claims_file::FormatDirhams(event.reimbursed_centimes())}});
  }
  if (envelope.type() == events::EventType<ClaimPaid>()) {
    ASSIGN_OR_RETURN(ClaimPaid event, events::Unpack<ClaimPaid>(envelope));
    if (event.paid_centimes() < 0) return absl::InvalidArgumentError("ClaimPaid: paid_centimes < 0");
    return Record(tx, envelope, event.claim_id(), event.registration_number(), event.program(), kTemplateClaimPaid,
                  {{"claim_id", event.claim_id()}, {"amount", claims_file::FormatDirhams(event.paid_centimes())}});
  }
  return absl::OkStatus();
}

absl::Status ClaimMessages::Record(storage::Transaction& tx, const events::Envelope& envelope,
                                   const std::string& claim_id, const std::string& registration_number,
                                   const std::string& program, const std::string& template_key,
                                   std::map<std::string, std::string> values) {
  if (claim_id.empty()) return absl::InvalidArgumentError(absl::StrCat(envelope.type(), ": no claim_id"));
  if (registration_number.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(envelope.type(), ": no registration_number"));
  }
  Message message;
  message.message_id = core::NewUuid(random_);
  message.registration_number = registration_number;
  message.program = program.empty() ? envelope.program() : program;
  message.channel = kChannelSms;
  message.template_key = template_key;
  // Empty when the audience does not know the person: the dispatcher asks registration.
  ASSIGN_OR_RETURN(std::optional<std::string> language, AudienceStore::LanguageOf(tx, registration_number));
  message.language = language.value_or("");
  message.status = MessageStatus::kPending;
  message.source_event_id = envelope.event_id();
  message.created_at = clock_.Now();
  message.template_values = std::move(values);
  ASSIGN_OR_RETURN(bool recorded, MessageStore::InsertOnce(tx, message));
  if (recorded) {
    absl::MutexLock lock(&mu_);
    recorded_[envelope.event_id()] = {message.program, message.template_key};
  }
  return absl::OkStatus();
}

void ClaimMessages::Finished(bool committed) {
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> recorded;
  {
    absl::MutexLock lock(&mu_);
    recorded.swap(recorded_);
  }
  if (!committed) return;
  for (const auto& [event_id, what] : recorded) {
    log::Info("claim message recorded", {{"template", what.second}, {"event_id", event_id}});
    on_recorded_(what.first, what.second);
  }
}

}  // namespace himaya::notification
