#include "notification/src/requests.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"
#include "notification/src/message_store.h"

namespace himaya::notification {

absl::Status MessageRequests::SetOptOut(const std::string& registration_number, const std::string& channel,
                                        bool opted_out) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  if (channel != kChannelSms) return absl::InvalidArgumentError("channel: only sms");
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return MessageStore::SetOptOut(tx, registration_number, channel, opted_out, clock_.Now());
  }));
  log::Info(opted_out ? "opted out" : "opted back in", {{"registration_number", registration_number}});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Message>> MessageRequests::List(const std::string& registration_number) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  std::vector<Message> messages;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(messages, MessageStore::ForPerson(tx, registration_number));
    return absl::OkStatus();
  }));
  return messages;
}

absl::StatusOr<Message> MessageRequests::Resend(const std::string& registration_number,
                                                const std::string& template_key) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  const std::string key = template_key.empty() ? std::string(kTemplateActivation) : template_key;
  if (templates_.NeedsEventValues(key)) {
    return absl::FailedPreconditionError(absl::StrCat("template ", key, " is sent on its event only, never resent"));
  }
  Message m;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Message> previous, MessageStore::ForPerson(tx, registration_number));
    if (previous.empty()) {
      return absl::FailedPreconditionError("registration_number: no message was ever sent to this person");
    }
    if (!templates_.Has(key, previous.back().language)) {
      return absl::NotFoundError(absl::StrCat("template ", key, " does not exist in ", previous.back().language));
    }
    m = Message{core::NewUuid(random_),
                registration_number,
                previous.back().program,
                kChannelSms,
                key,
                previous.back().language,
                MessageStatus::kPending,
                absl::StrCat("resend:", core::NewUuid(random_)),
                clock_.Now()};
    return MessageStore::InsertOnce(tx, m).status();
  }));
  on_queued_(m.program, m.template_key, 1);
  return m;
}

}  // namespace himaya::notification
