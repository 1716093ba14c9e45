// Idempotent consumption. InboxHandler turns each Kafka message into exactly one recorded
// outcome: applied (the event's effects and its inbox row commit together), duplicate (the
// inbox already holds its event_id: skipped), or rejected (it can never be applied: kept in
// dead_letters with the reason). Transient failures are retried by the consumer.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "events/consumer.h"
#include "events/envelope.h"
#include "metrics/metrics.h"
#include "storage/database.h"

namespace himaya::events {

// A service's reaction to events: pure domain work inside the given transaction.
class EventApplier {
 public:
  virtual ~EventApplier() = default;
  // Applies `envelope` in `tx`. INVALID_ARGUMENT or FAILED_PRECONDITION: the event can never be
  // applied (it is dead-lettered); any other error: try again later.
  virtual absl::Status Apply(storage::Transaction& tx, const Envelope& envelope) = 0;
  // Applies events that arrived together, in order, in `tx`: an applier that can write many
  // at once (one statement for many rows) overrides it. By default, Apply one at a time.
  virtual absl::Status ApplyMany(storage::Transaction& tx, const std::vector<const Envelope*>& envelopes) {
    for (const Envelope* envelope : envelopes) {
      if (absl::Status s = Apply(tx, *envelope); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  // Called once the transaction of one or more Apply calls has ended: `committed` or rolled
  // back. What must follow only effects that are durable (waking a worker, a log line) goes
  // here. Apply may have run more than once for one event before (a retried conflict).
  virtual void Finished(bool committed) { (void)committed; }
};

enum class Outcome { kApplied, kDuplicate, kRejected };

// Events kept in dead_letters, by consumer and topic (for the figures operations watch).
struct DeadLetterCount {
  std::string consumer;
  std::string topic;
  int64_t events = 0;
};
absl::StatusOr<std::vector<DeadLetterCount>> CountDeadLetters(storage::Transaction& tx);

class InboxHandler final : public MessageHandler {
 public:
  // `consumer` names this consumer in the inbox (one service may have several).
  InboxHandler(storage::Database& db, std::string consumer, EventApplier& applier, const core::Clock& clock,
               metrics::ConsumerMetrics* metrics = nullptr);

  absl::Status Handle(const ConsumedMessage& message) override;
  // Applies the batch in one transaction (one commit for many events): the inbox is asked once
  // which events it holds, the new ones are recorded in one statement and handed to ApplyMany.
  // When one event of it is refused for good, falls back to one at a time, so that only that
  // one is dead-lettered.
  size_t HandleBatch(const std::vector<ConsumedMessage>& messages, absl::Status* error) override;
  // As Handle, and tells which outcome was recorded.
  absl::StatusOr<Outcome> Process(const ConsumedMessage& message);

 private:
  // The event ids of `envelopes` the inbox already holds for this consumer.
  absl::StatusOr<std::set<std::string>> Held(storage::Transaction& tx, const std::vector<Envelope>& envelopes);
  absl::Status RecordRejected(const ConsumedMessage& message, absl::string_view event_id, const absl::Status& reason);
  void Count(const ConsumedMessage& message, absl::string_view outcome);
  storage::Database& db_;
  std::string consumer_;
  EventApplier& applier_;
  const core::Clock& clock_;
  metrics::ConsumerMetrics* metrics_;
};

}  // namespace himaya::events
