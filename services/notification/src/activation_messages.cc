#include "notification/src/activation_messages.h"

#include "core/log.h"
#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "notification/src/audience_store.h"
#include "notification/src/message_store.h"

namespace himaya::notification {

absl::Status ActivationMessages::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  using himaya::registration::v1::AccountActivated;
  using himaya::registration::v1::PersonRegistered;
  if (envelope.type() == events::EventType<AccountActivated>()) {
    ASSIGN_OR_RETURN(AccountActivated event, events::Unpack<AccountActivated>(envelope));
    return AudienceStore::MarkActivated(
        tx, event.registration_number(),
        absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.activated_at())));
  }
  if (envelope.type() != events::EventType<PersonRegistered>()) return absl::OkStatus();
  ASSIGN_OR_RETURN(PersonRegistered event, events::Unpack<PersonRegistered>(envelope));
  if (event.registration_number().empty()) {
    return absl::InvalidArgumentError("PersonRegistered: no registration_number");
  }
  // The audience campaigns pick from.
  RETURN_IF_ERROR(AudienceStore::Add(
      tx, {event.registration_number(), event.program().empty() ? envelope.program() : event.program(),
           event.category(), event.city(), event.region(), event.preferred_language() == "ar" ? "ar" : "fr",
           absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.registered_at()))}));
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
    on_recorded_(message.program, message.template_key);
    log::Info("activation message recorded",
              {{"registration_number", message.registration_number}, {"event_id", envelope.event_id()}});
  }
  return absl::OkStatus();
}

}  // namespace himaya::notification
