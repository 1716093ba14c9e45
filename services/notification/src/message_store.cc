#include "notification/src/message_store.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/bulk.h"

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

namespace {

// The columns ReadMessage reads, in its order.
constexpr char kMessageColumns[] =
    "message_id, registration_number, program, channel, template, language, status, source_event_id, "
    "created_at_us, attempts, parts, last_error, campaign_id";

Message ReadMessage(const storage::Row& r) {
  return Message{r.Text(0),
                 r.Text(1),
                 r.Text(2),
                 r.Text(3),
                 r.Text(4),
                 r.Text(5),
                 ParseStatus(r.Text(6)),
                 r.Text(7),
                 absl::FromUnixMicros(r.Int(8)),
                 static_cast<int>(r.Int(9)),
                 static_cast<int>(r.Int(10)),
                 r.Text(11),
                 r.Text(12)};
}

// The early report in columns `status` and `status` + 1 of `r` (early_report,
// early_report_reason), if any.
std::optional<EarlyReport> ReadEarlyReport(const storage::Row& r, size_t status) {
  if (r.IsNull(status)) return std::nullopt;
  return EarlyReport{r.Text(status) == "DELIVERED", r.Text(status + 1)};
}

// A message's template values as the column holds them: a JSON object, NULL when there are none.
storage::Value TemplateValuesColumn(const std::map<std::string, std::string>& values) {
  if (values.empty()) return storage::Value();
  return storage::Value(nlohmann::json(values).dump());
}

// The reverse. The column is written by TemplateValuesColumn only; a value it cannot read (a
// hand-edited row) is logged and left out, and the message then fails at rendering, naming the
// placeholder without its value.
std::map<std::string, std::string> ReadTemplateValues(const storage::Row& r, size_t column,
                                                      absl::string_view message_id) {
  std::map<std::string, std::string> out;
  if (r.IsNull(column)) return out;
  nlohmann::json json = nlohmann::json::parse(r.Text(column), nullptr, false);
  bool readable = json.is_object();
  if (readable) {
    for (const auto& [name, value] : json.items()) {
      if (value.is_string()) {
        out[name] = value.get<std::string>();
      } else {
        readable = false;
      }
    }
  }
  if (!readable) log::Warn("unreadable template values", {{"message_id", std::string(message_id)}});
  return out;
}

}  // namespace

absl::StatusOr<bool> MessageStore::InsertOnce(storage::Transaction& tx, const Message& m) {
  ASSIGN_OR_RETURN(int64_t inserted,
                   tx.Execute("INSERT INTO messages (message_id, registration_number, program, "
                              "channel, template, language, status, source_event_id, created_at_us, template_values) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                              "ON CONFLICT (source_event_id, channel) DO NOTHING",
                              {m.message_id, m.registration_number, m.program, m.channel, m.template_key, m.language,
                               StatusName(m.status), m.source_event_id, absl::ToUnixMicros(m.created_at),
                               TemplateValuesColumn(m.template_values)}));
  return inserted == 1;
}

absl::StatusOr<int64_t> MessageStore::InsertManyOnce(storage::Transaction& tx, const std::vector<Message>& messages) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(messages.size());
  for (const Message& m : messages) {
    rows.push_back({m.message_id, m.registration_number, m.program, m.channel, m.template_key, m.language,
                    StatusName(m.status), m.source_event_id, absl::ToUnixMicros(m.created_at),
                    m.campaign_id.empty() ? storage::Value() : storage::Value(m.campaign_id)});
  }
  return storage::InsertRows(tx, "messages",
                             {"message_id", "registration_number", "program", "channel", "template", "language",
                              "status", "source_event_id", "created_at_us", "campaign_id"},
                             std::move(rows), "ON CONFLICT (source_event_id, channel) DO NOTHING");
}

absl::StatusOr<std::vector<Message>> MessageStore::ForPerson(storage::Transaction& tx,
                                                             absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kMessageColumns,
                                                    " FROM messages WHERE registration_number = $1 "
                                                    "ORDER BY created_at_us, message_id"),
                                       {registration_number}));
  std::vector<Message> out;
  for (const storage::Row& r : rows) out.push_back(ReadMessage(r));
  return out;
}

absl::StatusOr<std::optional<Message>> MessageStore::Find(storage::Transaction& tx, absl::string_view message_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kMessageColumns, " FROM messages WHERE message_id = $1"),
                                       {message_id}));
  if (rows.empty()) return std::nullopt;
  return ReadMessage(rows[0]);
}

absl::StatusOr<std::map<std::string, int64_t>> MessageStore::CountByStatus(storage::Transaction& tx,
                                                                           absl::string_view campaign_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT status, COUNT(*) FROM messages WHERE campaign_id = $1 "
                                       "GROUP BY status",
                                       {campaign_id}));
  std::map<std::string, int64_t> out;
  for (const auto& r : rows) out[r.Text(0)] = r.Int(1);
  return out;
}

absl::StatusOr<std::vector<DueMessage>> MessageStore::Due(storage::Transaction& tx, absl::Time now, int limit) {
  // One query per status, each read in the order of messages_by_status_due (no sort), then merged.
  struct Candidate {
    int64_t next_attempt_at_us, created_at_us;
    DueMessage due;
  };
  std::vector<Candidate> candidates;
  for (const char* status : {"PENDING", "SENDING"}) {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT message_id, registration_number, program, channel, template, "
                                         "language, attempts, status, early_report, early_report_reason, "
                                         "template_values, next_attempt_at_us, created_at_us "
                                         "FROM messages WHERE status = $1 AND next_attempt_at_us <= $2 "
                                         "ORDER BY next_attempt_at_us, created_at_us LIMIT $3",
                                         {status, absl::ToUnixMicros(now), static_cast<int64_t>(limit)}));
    for (const auto& r : rows) {
      DueMessage due;
      due.message.message_id = r.Text(0);
      due.message.registration_number = r.Text(1);
      due.message.program = r.Text(2);
      due.message.channel = r.Text(3);
      due.message.template_key = r.Text(4);
      due.message.language = r.Text(5);
      due.message.attempts = static_cast<int>(r.Int(6));
      due.message.status = ParseStatus(r.Text(7));
      due.early_report = ReadEarlyReport(r, 8);
      due.message.template_values = ReadTemplateValues(r, 10, due.message.message_id);
      candidates.push_back({r.Int(11), r.Int(12), std::move(due)});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.next_attempt_at_us, a.created_at_us) < std::tie(b.next_attempt_at_us, b.created_at_us);
  });
  std::vector<DueMessage> out;
  out.reserve(std::min(candidates.size(), static_cast<size_t>(std::max(0, limit))));
  for (Candidate& c : candidates) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(std::move(c.due));
  }
  return out;
}

// Each conditional update checks again the row as it was read: another replica may have claimed
// it since (PostgreSQL re-reads a row another transaction changed; SQLite has one writer).
absl::StatusOr<bool> MessageStore::Claim(storage::Transaction& tx, const std::string& message_id, MessageStatus read,
                                         const std::string& instance, absl::Time now, absl::Time until) {
  ASSIGN_OR_RETURN(
      int64_t taken,
      tx.Execute("UPDATE messages SET status = 'SENDING', claimed_by = $2, attempts = attempts + 1, "
                 "next_attempt_at_us = $3 "
                 "WHERE message_id = $1 AND status = $4 AND "
                 "next_attempt_at_us <= $5 AND early_report IS NULL",
                 {message_id, instance, absl::ToUnixMicros(until), StatusName(read), absl::ToUnixMicros(now)}));
  return taken == 1;
}

absl::StatusOr<bool> MessageStore::TakeReported(storage::Transaction& tx, const std::string& message_id,
                                                MessageStatus read, const std::string& instance, absl::Time now) {
  ASSIGN_OR_RETURN(int64_t taken, tx.Execute("UPDATE messages SET claimed_by = $2 WHERE message_id = $1 "
                                             "AND status = $3 AND next_attempt_at_us <= $4",
                                             {message_id, instance, StatusName(read), absl::ToUnixMicros(now)}));
  return taken == 1;
}

absl::Status MessageStore::GiveBack(storage::Transaction& tx, const std::string& message_id) {
  return tx
      .Execute(
          "UPDATE messages SET status = 'PENDING', claimed_by = NULL, "
          "next_attempt_at_us = 0, attempts = attempts - 1 "
          "WHERE message_id = $1 AND status = 'SENDING'",
          {message_id})
      .status();
}

absl::Status MessageStore::RetryAt(storage::Transaction& tx, const std::string& message_id, absl::Time next,
                                   absl::string_view error) {
  return tx
      .Execute(
          "UPDATE messages SET status = 'PENDING', claimed_by = NULL, next_attempt_at_us = $2, "
          "last_error = $3 WHERE message_id = $1 AND status = 'SENDING'",
          {message_id, absl::ToUnixMicros(next), error})
      .status();
}

absl::StatusOr<int64_t> MessageStore::PutBackInterrupted(storage::Transaction& tx, const std::string& instance) {
  ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE messages SET status = 'PENDING', claimed_by = NULL, "
                                         "next_attempt_at_us = 0 WHERE status = 'SENDING' AND claimed_by = $1 "
                                         "AND early_report IS NULL",
                                         {instance}));
  RETURN_IF_ERROR(tx.Execute("UPDATE messages SET next_attempt_at_us = 0 WHERE status = 'SENDING' AND claimed_by = $1 "
                             "AND early_report IS NOT NULL",
                             {instance})
                      .status());
  return n;
}

absl::StatusOr<std::optional<MessageStore::Submitted>> MessageStore::RecordSubmitted(storage::Transaction& tx,
                                                                                     const SubmissionRecord& s) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("UPDATE messages SET status = CASE WHEN status = 'SENDING' THEN 'SUBMITTED' ELSE status END, "
               "provider = $2, provider_message_id = $3, parts = $4, encoding = $5, template_version = $6, "
               "submitted_at_us = $7, claimed_by = NULL, "
               "last_error = CASE WHEN status = 'SENDING' THEN NULL ELSE last_error END WHERE message_id = $1 "
               "RETURNING status, early_report, early_report_reason",
               {s.message_id, s.provider, s.provider_message_id, s.parts, s.encoding, s.template_version,
                absl::ToUnixMicros(s.submitted_at)}));
  if (rows.empty()) return std::nullopt;
  return Submitted{ParseStatus(rows[0].Text(0)), ReadEarlyReport(rows[0], 1)};
}

absl::StatusOr<bool> MessageStore::KeepEarlyReport(storage::Transaction& tx, const std::string& message_id,
                                                   const EarlyReport& report) {
  ASSIGN_OR_RETURN(int64_t kept, tx.Execute("UPDATE messages SET early_report = COALESCE(early_report, $2), "
                                            "early_report_reason = CASE WHEN early_report IS NULL THEN $3 "
                                            "ELSE early_report_reason END WHERE message_id = $1 AND status = 'SENDING'",
                                            {message_id, report.delivered ? "DELIVERED" : "FAILED", report.reason}));
  return kept == 1;
}

absl::Status MessageStore::Close(storage::Transaction& tx, const std::string& message_id, bool delivered, absl::Time at,
                                 absl::string_view reason) {
  return tx
      .Execute(
          "UPDATE messages SET status = $2, finished_at_us = $3, last_error = $4, "
          "claimed_by = NULL WHERE message_id = $1",
          {message_id, delivered ? "DELIVERED" : "FAILED", absl::ToUnixMicros(at),
           delivered ? storage::Value() : storage::Value(reason)})
      .status();
}

absl::StatusOr<bool> MessageStore::OptedOut(storage::Transaction& tx, absl::string_view registration_number,
                                            absl::string_view channel) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM opt_outs WHERE registration_number = $1 AND channel = $2",
                                       {registration_number, channel}));
  return !rows.empty();
}

absl::Status MessageStore::SetOptOut(storage::Transaction& tx, const std::string& registration_number,
                                     const std::string& channel, bool opted_out, absl::Time at) {
  if (!opted_out) {
    return tx
        .Execute("DELETE FROM opt_outs WHERE registration_number = $1 AND channel = $2", {registration_number, channel})
        .status();
  }
  return tx
      .Execute(
          "INSERT INTO opt_outs (registration_number, channel, opted_out_at_us) VALUES ($1, $2, $3) "
          "ON CONFLICT DO NOTHING",
          {registration_number, channel, absl::ToUnixMicros(at)})
      .status();
}

absl::StatusOr<std::vector<MessagesInStatus>> MessageStore::CountByStatus(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT program, channel, status, COUNT(*) FROM messages GROUP BY program, channel, status"));
  std::vector<MessagesInStatus> counts;
  for (const storage::Row& r : rows) counts.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return counts;
}

}  // namespace himaya::notification
