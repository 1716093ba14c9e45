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
    if (!opted_out) {
      return tx
          .Execute("DELETE FROM opt_outs WHERE registration_number = $1 AND channel = $2",
                   {registration_number, channel})
          .status();
    }
    return tx
        .Execute(
            "INSERT INTO opt_outs (registration_number, channel, opted_out_at_us) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING",
            {registration_number, channel, absl::ToUnixMicros(clock_.Now())})
        .status();
  }));
  log::Info(opted_out ? "opted out" : "opted back in", {{"registration_number", registration_number}});
  return absl::OkStatus();
}

absl::StatusOr<Message> MessageRequests::Resend(const std::string& registration_number,
                                                const std::string& template_key) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  const std::string key = template_key.empty() ? std::string(kTemplateActivation) : template_key;
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
