#include "notification/src/message_store.h"

#include "core/status_macros.h"

namespace himaya::notification {

const char* StatusName(MessageStatus status) {
  switch (status) {
    case MessageStatus::kPending:
      return "PENDING";
    case MessageStatus::kSending:
      return "SENDING";
    case MessageStatus::kSubmitted:
      return "SUBMITTED";
    case MessageStatus::kDelivered:
      return "DELIVERED";
    case MessageStatus::kFailed:
      return "FAILED";
  }
  return "PENDING";
}

MessageStatus ParseStatus(const std::string& name) {
  for (MessageStatus s :
       {MessageStatus::kSending, MessageStatus::kSubmitted, MessageStatus::kDelivered, MessageStatus::kFailed}) {
    if (name == StatusName(s)) return s;
  }
  return MessageStatus::kPending;
}

absl::StatusOr<bool> MessageStore::InsertOnce(storage::Transaction& tx, const Message& m) {
  ASSIGN_OR_RETURN(int64_t inserted,
                   tx.Execute("INSERT INTO messages (message_id, registration_number, program, "
                              "channel, template, language, status, source_event_id, created_at_us) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                              "ON CONFLICT (source_event_id, channel) DO NOTHING",
                              {m.message_id, m.registration_number, m.program, m.channel, m.template_key, m.language,
                               StatusName(m.status), m.source_event_id, absl::ToUnixMicros(m.created_at)}));
  return inserted == 1;
}

absl::StatusOr<std::vector<Message>> MessageStore::ForPerson(storage::Transaction& tx,
                                                             absl::string_view registration_number) {
  ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT message_id, registration_number, program, channel, template, "
                          "language, status, source_event_id, created_at_us, attempts, parts, last_error FROM messages "
                          "WHERE registration_number = $1 ORDER BY created_at_us, message_id",
                          {registration_number}));
  std::vector<Message> out;
  for (const storage::Row& r : rows) {
    out.push_back(Message{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), ParseStatus(r.Text(6)),
                          r.Text(7), absl::FromUnixMicros(r.Int(8)), static_cast<int>(r.Int(9)),
                          static_cast<int>(r.Int(10)), r.Text(11)});
  }
  return out;
}

}  // namespace himaya::notification
