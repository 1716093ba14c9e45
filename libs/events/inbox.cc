#include "events/inbox.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::events {
namespace {

bool IsPermanent(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument || status.code() == absl::StatusCode::kFailedPrecondition;
}

}  // namespace

InboxHandler::InboxHandler(storage::Database& db, std::string consumer, EventApplier& applier, const core::Clock& clock,
                           metrics::ConsumerMetrics* metrics)
    : db_(db), consumer_(std::move(consumer)), applier_(applier), clock_(clock), metrics_(metrics) {}

absl::Status InboxHandler::Handle(const ConsumedMessage& message) { return Process(message).status(); }

size_t InboxHandler::HandleBatch(const std::vector<ConsumedMessage>& messages, absl::Status* error) {
  if (messages.size() <= 1) return MessageHandler::HandleBatch(messages, error);
  std::vector<Envelope> envelopes;
  envelopes.reserve(messages.size());
  for (const ConsumedMessage& m : messages) {
    absl::StatusOr<Envelope> e = ParseEnvelope(m.value);
    if (!e.ok()) return MessageHandler::HandleBatch(messages, error);  // one at a time
    envelopes.push_back(*std::move(e));
  }
  std::vector<int> outcome(messages.size(), 0);  // 1 applied, 2 duplicate
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::set<std::string> held, Held(tx, envelopes));
    const int64_t now = absl::ToUnixMicros(clock_.Now());
    std::vector<std::vector<storage::Value>> rows;
    std::vector<const Envelope*> fresh;
    for (size_t i = 0; i < envelopes.size(); ++i) {
      // An event met twice (held, or earlier in this batch) is a duplicate.
      outcome[i] = held.insert(envelopes[i].event_id()).second ? 1 : 2;
      if (outcome[i] == 2) continue;
      rows.push_back({consumer_, envelopes[i].event_id(), envelopes[i].type(), now});
      fresh.push_back(&envelopes[i]);
    }
    RETURN_IF_ERROR(
        storage::InsertRows(tx, "inbox", {"consumer", "event_id", "event_type", "processed_at_us"}, std::move(rows))
            .status());
    return applier_.ApplyMany(tx, fresh);
  });
  applier_.Finished(status.ok());
  if (IsPermanent(status)) return MessageHandler::HandleBatch(messages, error);
  if (!status.ok()) {
    *error = status;
    return 0;
  }
  for (size_t i = 0; i < messages.size(); ++i) Count(messages[i], outcome[i] == 2 ? "duplicate" : "applied");
  return messages.size();
}

absl::StatusOr<std::set<std::string>> InboxHandler::Held(storage::Transaction& tx,
                                                         const std::vector<Envelope>& envelopes) {
  constexpr size_t kIdsPerStatement = 512;
  std::set<std::string> held;
  for (size_t next = 0; next < envelopes.size(); next += kIdsPerStatement) {
    const size_t n = std::min(kIdsPerStatement, envelopes.size() - next);
    // A power of two of parameters (the last id repeated), so that few statements are prepared.
    size_t slots = 1;
    while (slots < n) slots *= 2;
    std::string sql = "SELECT event_id FROM inbox WHERE consumer = $1 AND event_id IN (";
    std::vector<storage::Value> params = {consumer_};
    for (size_t i = 0; i < slots; ++i) {
      absl::StrAppend(&sql, i ? ", $" : "$", i + 2);
      params.emplace_back(envelopes[next + std::min(i, n - 1)].event_id());
    }
    ASSIGN_OR_RETURN(auto rows, tx.Query(sql + ")", params));
    for (const storage::Row& row : rows) held.insert(row.Text(0));
  }
  return held;
}

absl::StatusOr<Outcome> InboxHandler::Process(const ConsumedMessage& message) {
  absl::StatusOr<Envelope> envelope = ParseEnvelope(message.value);
  if (!envelope.ok()) {
    RETURN_IF_ERROR(RecordRejected(message, "", envelope.status()));
    return Outcome::kRejected;
  }
  bool duplicate = false;
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t inserted,
                     tx.Execute("INSERT INTO inbox (consumer, event_id, event_type, processed_at_us) "
                                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                                {consumer_, envelope->event_id(), envelope->type(), absl::ToUnixMicros(clock_.Now())}));
    duplicate = inserted == 0;
    if (duplicate) return absl::OkStatus();
    return applier_.Apply(tx, *envelope);
  });
  applier_.Finished(status.ok());
  if (status.ok()) {
    Count(message, duplicate ? "duplicate" : "applied");
    return duplicate ? Outcome::kDuplicate : Outcome::kApplied;
  }
  if (IsPermanent(status)) {
    RETURN_IF_ERROR(RecordRejected(message, envelope->event_id(), status));
    return Outcome::kRejected;
  }
  return status;
}

absl::Status InboxHandler::RecordRejected(const ConsumedMessage& message, absl::string_view event_id,
                                          const absl::Status& reason) {
  log::Warn("event rejected", {{"consumer", consumer_},
                               {"topic", message.topic},
                               {"partition", message.partition},
                               {"offset", message.offset},
                               {"reason", reason}});
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return tx
        .Execute(
            "INSERT INTO dead_letters (consumer, topic, kafka_partition, kafka_offset, "
            "event_id, reason, payload, recorded_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT DO NOTHING",
            {consumer_, message.topic, message.partition, message.offset,
             event_id.empty() ? storage::Value() : storage::Value(event_id), reason.ToString(),
             storage::Bytes{message.value}, absl::ToUnixMicros(clock_.Now())})
        .status();
  }));
  Count(message, "rejected");
  return absl::OkStatus();
}

void InboxHandler::Count(const ConsumedMessage& message, absl::string_view outcome) {
  if (metrics_ == nullptr) return;
  metrics_->events.Add({{"topic", message.topic}, {"outcome", std::string(outcome)}}).Increment();
}

absl::StatusOr<std::vector<DeadLetterCount>> CountDeadLetters(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT consumer, topic, COUNT(*) FROM dead_letters GROUP BY consumer, topic"));
  std::vector<DeadLetterCount> counts;
  for (const auto& row : rows) counts.push_back({row.Text(0), row.Text(1), row.Int(2)});
  return counts;
}

}  // namespace himaya::events
