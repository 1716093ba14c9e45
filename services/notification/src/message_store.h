// Messages and opt-outs in the notification service's own database (their SQL lives here, and
// only here): recording messages, the dispatcher's claims, submissions, delivery reports kept
// early, and final states.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notification/src/message.h"
#include "storage/database.h"

namespace himaya::notification {

// A delivery report kept on a message still SENDING (it overtook the record of its submission).
struct EarlyReport {
  bool delivered = false;
  std::string reason;
};

// A message due to be sent (PENDING and due, or SENDING with an expired claim), as read by a claim.
struct DueMessage {
  Message message;
  std::optional<EarlyReport> early_report;
};

// What the provider said of a message it took, to record with it.
struct SubmissionRecord {
  std::string message_id;
  std::string provider;
  std::string provider_message_id;
  int parts = 0;
  std::string encoding;  // gsm7, ucs2
  int template_version = 0;
  absl::Time submitted_at;
};

// How many messages of a program and channel are in a status.
struct MessagesInStatus {
  std::string program;
  std::string channel;
  std::string status;
  int64_t messages = 0;
};

class MessageStore {
 public:
  // Every message, by program, channel and status.
  static absl::StatusOr<std::vector<MessagesInStatus>> CountByStatus(storage::Transaction& tx);
  // Records `message` unless its event already produced one on its channel; returns whether it
  // was recorded.
  static absl::StatusOr<bool> InsertOnce(storage::Transaction& tx, const Message& message);
  // Records many messages at once, each unless its event already produced one on its channel;
  // returns how many were recorded.
  static absl::StatusOr<int64_t> InsertManyOnce(storage::Transaction& tx, const std::vector<Message>& messages);
  // A person's messages, oldest first.
  static absl::StatusOr<std::vector<Message>> ForPerson(storage::Transaction& tx,
                                                        absl::string_view registration_number);
  // One message; nothing when it is unknown.
  static absl::StatusOr<std::optional<Message>> Find(storage::Transaction& tx, absl::string_view message_id);
  // The number of a campaign's messages by status name (PENDING, SUBMITTED...).
  static absl::StatusOr<std::map<std::string, int64_t>> CountByStatus(storage::Transaction& tx,
                                                                      absl::string_view campaign_id);

  // Up to `limit` messages due at `now`: PENDING ones, and SENDING ones whose claim expired; the
  // longest waiting first.
  static absl::StatusOr<std::vector<DueMessage>> Due(storage::Transaction& tx, absl::Time now, int limit);
  // Claims a due message for `instance` until `until`, counting an attempt, if it is still in the
  // status `read`, due at `now`, and no report came for it since. Returns whether it was claimed.
  static absl::StatusOr<bool> Claim(storage::Transaction& tx, const std::string& message_id, MessageStatus read,
                                    const std::string& instance, absl::Time now, absl::Time until);
  // Takes a due message that has an early report, to close it (no attempt counted), if it is
  // still in the status `read` and due at `now`. Returns whether it was taken.
  static absl::StatusOr<bool> TakeReported(storage::Transaction& tx, const std::string& message_id, MessageStatus read,
                                           const std::string& instance, absl::Time now);
  // Puts a claimed message back, due at once, its attempt not spent.
  static absl::Status GiveBack(storage::Transaction& tx, const std::string& message_id);
  // Puts a claimed message back, due at `next`, with the error of its attempt.
  static absl::Status RetryAt(storage::Transaction& tx, const std::string& message_id, absl::Time next,
                              absl::string_view error);
  // Puts back, due at once, the messages `instance` left SENDING without a report, and returns
  // how many; those with an early report are made due with it, to be closed.
  static absl::StatusOr<int64_t> PutBackInterrupted(storage::Transaction& tx, const std::string& instance);
  // Records a submission on its message; a message no longer SENDING (another dispatcher closed
  // it) keeps its status. Returns the message's status after, and its early report; nothing
  // when the message is unknown.
  struct Submitted {
    MessageStatus status;
    std::optional<EarlyReport> early_report;
  };
  static absl::StatusOr<std::optional<Submitted>> RecordSubmitted(storage::Transaction& tx,
                                                                  const SubmissionRecord& submission);
  // Keeps a report on a SENDING message; the first report kept wins. Returns whether the message
  // was still SENDING.
  static absl::StatusOr<bool> KeepEarlyReport(storage::Transaction& tx, const std::string& message_id,
                                              const EarlyReport& report);
  // Closes a message DELIVERED, or FAILED with `reason`, at `at`.
  static absl::Status Close(storage::Transaction& tx, const std::string& message_id, bool delivered, absl::Time at,
                            absl::string_view reason);

  // Whether the person stopped messages on `channel`.
  static absl::StatusOr<bool> OptedOut(storage::Transaction& tx, absl::string_view registration_number,
                                       absl::string_view channel);
  // Stops (or allows again) messages to the person on `channel`.
  static absl::Status SetOptOut(storage::Transaction& tx, const std::string& registration_number,
                                const std::string& channel, bool opted_out, absl::Time at);
};

}  // namespace himaya::notification
