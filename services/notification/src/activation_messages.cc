#include "notification/src/activation_messages.h"

#include "core/log.h"
#include "core/status_macros.h"
#include "himaya/registration/v1/events.pb.h"
#include "notification/src/message_store.h"

namespace himaya::notification {

absl::Status ActivationMessages::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  using himaya::registration::v1::PersonRegistered;
  if (envelope.type() != events::EventType<PersonRegistered>()) return absl::OkStatus();
  ASSIGN_OR_RETURN(PersonRegistered event, events::Unpack<PersonRegistered>(envelope));
  if (event.registration_number().empty()) {
    return absl::InvalidArgumentError("PersonRegistered: no registration_number");
  }
  Message message;
  message.message_id = core::NewUuid(random_);
  message.registration_number = event.registration_number();
  message.program = event.program().empty() ? envelope.program() : event.program();
  message.channel = kChannelSms;
  message.template_key = kTemplateActivation;
  message.language = event.preferred_language() == "ar" ? "ar" : "fr";
  message.status = MessageStatus::kPending;
  message.source_event_id = envelope.event_id();
  message.created_at = clock_.Now();
  ASSIGN_OR_RETURN(bool recorded, MessageStore::InsertOnce(tx, message));
  if (recorded) {
    on_recorded_();
    log::Info("activation message recorded",
              {{"registration_number", message.registration_number}, {"event_id", envelope.event_id()}});
  }
  return absl::OkStatus();
}

}  // namespace himaya::notification
