#include "events/inbox.h"

#include "core/log.h"
#include "core/status_macros.h"

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
    for (size_t i = 0; i < envelopes.size(); ++i) {
      ASSIGN_OR_RETURN(
          int64_t inserted,
          tx.Execute("INSERT INTO inbox (consumer, event_id, event_type, processed_at_us) "
                     "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                     {consumer_, envelopes[i].event_id(), envelopes[i].type(), absl::ToUnixMicros(clock_.Now())}));
      if (inserted == 0) {
        outcome[i] = 2;
        continue;
      }
      RETURN_IF_ERROR(applier_.Apply(tx, envelopes[i]));
      outcome[i] = 1;
    }
    return absl::OkStatus();
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
