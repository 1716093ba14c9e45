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
  AudienceMember member;
  Message message;
  RETURN_IF_ERROR(Registered(envelope, &member, &message));
  // The audience campaigns pick from.
  RETURN_IF_ERROR(AudienceStore::Add(tx, member));
  ASSIGN_OR_RETURN(bool recorded, MessageStore::InsertOnce(tx, message));
  if (recorded) on_recorded_(message.program, message.template_key);
  return absl::OkStatus();
}

absl::Status ActivationMessages::ApplyMany(storage::Transaction& tx,
                                           const std::vector<const events::Envelope*>& envelopes) {
  std::vector<AudienceMember> members;
  std::vector<Message> messages;
  // Writes the run of PersonRegistered gathered so far.
  auto write_run = [&]() -> absl::Status {
    if (members.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(AudienceStore::AddMany(tx, members));
    ASSIGN_OR_RETURN(int64_t recorded, MessageStore::InsertManyOnce(tx, messages));
    // Each event is new to the inbox, so each message is too; should one have been there
    // already, the figures count one message fewer for each.
    for (int64_t i = 0; i < recorded && i < static_cast<int64_t>(messages.size()); ++i) {
      on_recorded_(messages[i].program, messages[i].template_key);
    }
    log::Info("activation messages recorded", {{"messages", recorded}});
    members.clear();
    messages.clear();
    return absl::OkStatus();
  };
  for (const events::Envelope* envelope : envelopes) {
    if (envelope->type() != events::EventType<registration::v1::PersonRegistered>()) {
      RETURN_IF_ERROR(write_run());
      RETURN_IF_ERROR(Apply(tx, *envelope));
      continue;
    }
    RETURN_IF_ERROR(Registered(*envelope, &members.emplace_back(), &messages.emplace_back()));
  }
  return write_run();
}

absl::Status ActivationMessages::Registered(const events::Envelope& envelope, AudienceMember* member,
                                            Message* message) {
  using himaya::registration::v1::PersonRegistered;
  ASSIGN_OR_RETURN(PersonRegistered event, events::Unpack<PersonRegistered>(envelope));
  if (event.registration_number().empty()) {
    return absl::InvalidArgumentError("PersonRegistered: no registration_number");
  }
  const std::string program = event.program().empty() ? envelope.program() : event.program();
  const std::string language = event.preferred_language() == "ar" ? "ar" : "fr";
  *member = {event.registration_number(),
             program,
             event.category(),
             event.city(),
             event.region(),
             language,
             absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.registered_at()))};
  *message = NewMessage(event.registration_number(), program, language, envelope.event_id());
  return absl::OkStatus();
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
  const Message message =
      NewMessage(event.registration_number(), event.program().empty() ? envelope.program() : event.program(),
                 language.value_or(""), absl::StrCat("code-request:", event.request_id()));
  ASSIGN_OR_RETURN(bool recorded, MessageStore::InsertOnce(tx, message));
  if (recorded) on_recorded_(message.program, message.template_key);
  return absl::OkStatus();
}

Message ActivationMessages::NewMessage(const std::string& registration_number, const std::string& program,
                                       const std::string& language, const std::string& source) {
  Message message;
  message.message_id = core::NewTimeOrderedUuid(clock_, random_);
  message.registration_number = registration_number;
  message.program = program;
  message.channel = kChannelSms;
  message.template_key = kTemplateActivation;
  message.language = language;
  message.status = MessageStatus::kPending;
  message.source_event_id = source;
  message.created_at = clock_.Now();
  return message;
}

}  // namespace himaya::notification
