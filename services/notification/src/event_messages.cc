#include "notification/src/event_messages.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "notification/src/audience_store.h"
#include "notification/src/message.h"
#include "notification/src/message_store.h"

namespace himaya::notification {

absl::Status EventMessages::Record(storage::Transaction& tx, const events::Envelope& envelope,
                                   const std::string& registration_number, const std::string& program,
                                   const std::string& template_key, std::map<std::string, std::string> values) {
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

void EventMessages::Finished(bool committed, absl::string_view what) {
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> recorded;
  {
    absl::MutexLock lock(&mu_);
    recorded.swap(recorded_);
  }
  if (!committed) return;
  for (const auto& [event_id, message] : recorded) {
    log::Info(absl::StrCat(what, " message recorded"), {{"template", message.second}, {"event_id", event_id}});
    on_recorded_(message.first, message.second);
  }
}

}  // namespace himaya::notification
