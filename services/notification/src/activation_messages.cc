#include "notification/src/activation_messages.h"

#include "absl/strings/str_cat.h"
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
  if (envelope.type() == events::EventType<registration::v1::ActivationCodeRequested>()) {
    return ApplyCodeRequested(tx, envelope);
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
  return Record(tx, event.registration_number(), event.program().empty() ? envelope.program() : event.program(),
                event.preferred_language() == "ar" ? "ar" : "fr", envelope.event_id(), envelope.event_id());
}

absl::Status ActivationMessages::ApplyCodeRequested(storage::Transaction& tx, const events::Envelope& envelope) {
  using himaya::registration::v1::ActivationCodeRequested;
  ASSIGN_OR_RETURN(ActivationCodeRequested event, events::Unpack<ActivationCodeRequested>(envelope));
  if (event.registration_number().empty()) {
    return absl::InvalidArgumentError("ActivationCodeRequested: no registration_number");
  }
  if (event.request_id().empty()) return absl::InvalidArgumentError("ActivationCodeRequested: no request_id");
  ASSIGN_OR_RETURN(bool activated, AudienceStore::IsActivated(tx, event.registration_number()));
  if (activated) return absl::OkStatus();  // the dispatcher also asks registration when it sends
  ASSIGN_OR_RETURN(std::optional<std::string> language, AudienceStore::LanguageOf(tx, event.registration_number()));
  // Keyed by the request, not the event: one SMS per request, however it is delivered. Without a
  // language (not in the audience yet), registration's is used at send time.
  return Record(tx, event.registration_number(), event.program().empty() ? envelope.program() : event.program(),
                language.value_or(""), absl::StrCat("code-request:", event.request_id()), envelope.event_id());
}

absl::Status ActivationMessages::Record(storage::Transaction& tx, const std::string& registration_number,
                                        const std::string& program, const std::string& language,
                                        const std::string& source, absl::string_view event_id) {
  Message message;
  message.message_id = core::NewUuid(random_);
  message.registration_number = registration_number;
  message.program = program;
  message.channel = kChannelSms;
  message.template_key = kTemplateActivation;
  message.language = language;
  message.status = MessageStatus::kPending;
  message.source_event_id = source;
  message.created_at = clock_.Now();
  ASSIGN_OR_RETURN(bool recorded, MessageStore::InsertOnce(tx, message));
  if (recorded) {
    on_recorded_(message.program, message.template_key);
    log::Info("activation message recorded",
              {{"registration_number", message.registration_number}, {"event_id", event_id}});
  }
  return absl::OkStatus();
}

}  // namespace himaya::notification
