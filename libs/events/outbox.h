// The transactional outbox. A service appends an event in the same transaction as the state
// change that caused it; the relay publishes unpublished rows in order and marks them. A crash
// between publishing and marking publishes again: delivery is at least once, and consumers
// deduplicate on event_id (see inbox.h).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "events/kafka.h"
#include "metrics/metrics.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace himaya::events {

// The outbox, inbox and dead-letter tables, to be applied with every service's own migrations.
storage::MigrationSet EventTablesMigrations(storage::Dialect dialect);

// Appends `envelope` for `topic` (keyed by its aggregate_id) inside the caller's transaction.
absl::Status AppendToOutbox(storage::Transaction& tx, absl::string_view topic, const Envelope& envelope,
                            const core::Clock& clock);

// An event bound for a topic.
struct OutgoingEvent {
  std::string topic;
  Envelope envelope;
};

// Appends many events in the caller's transaction, many rows per statement.
absl::Status AppendManyToOutbox(storage::Transaction& tx, const std::vector<OutgoingEvent>& events,
                                const core::Clock& clock);

struct RelayOptions {
  // Off: the thread only keeps the depth and lag gauges current (another process publishes).
  bool publish = true;
  int batch_size = 2000;
  // How long the relay sleeps when it found nothing, unless woken.
  absl::Duration idle_interval = absl::Milliseconds(200);
  // Published rows older than this are deleted.
  absl::Duration retention = absl::Hours(24);
};

class OutboxRelay {
 public:
  OutboxRelay(storage::Database& db, Producer& producer, const core::Clock& clock, RelayOptions options = {},
              metrics::OutboxMetrics* metrics = nullptr);
  ~OutboxRelay();

  // Publishes up to one batch of unpublished rows, oldest first, and marks those delivered.
  // Returns how many were published. Stops at the first row that failed, so that a key's
  // events are never published out of order.
  absl::StatusOr<int> PublishBatch();
  // Rows not yet published.
  absl::StatusOr<int64_t> Depth();

  // Runs PublishBatch (when options.publish) and refreshes the gauges on a background thread
  // until Stop().
  void Start();
  // Publishes promptly (call after committing a transaction that appended events).
  void Wake();
  // Stops the thread after its current batch.
  void Stop();

 private:
  void Run();
  void Observe();
  storage::Database& db_;
  Producer& producer_;
  const core::Clock& clock_;
  RelayOptions options_;
  metrics::OutboxMetrics* metrics_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace himaya::events
