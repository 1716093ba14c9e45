// The transactional outbox. A service appends an event in the same transaction as the state
// change that caused it; the relay publishes unpublished rows in order and marks them. A crash
// between publishing and marking publishes again: delivery is at least once, and consumers
// deduplicate on event_id (see inbox.h). A bulk write may store its events as bundles, many in
// one row (AppendBundledToOutbox); the relay publishes them one by one all the same.
//
// Nothing is lost: an event the broker can never take is set aside with its reason (counted,
// logged, kept) and the events behind it flow; published rows are kept for a retention period
// and published again when the broker is a new one that forgot them (the embedded broker after
// a restart), or when an operator asks (Replay).
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "events/producer.h"
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

// The most events, and about the most bytes, one bundle carries.
inline constexpr int kMaxBundleEvents = 1000;
inline constexpr size_t kMaxBundleBytes = 1 << 20;

// Appends many events in the caller's transaction as bundles: one outbox row carries up to
// kMaxBundleEvents of them, in order (one event alone is an ordinary row). For bulk writes,
// where a row per event would cost more than the events themselves. The relay publishes each
// event as its own message, as if appended one by one; a bundle is marked published when the
// broker acknowledged all its events, and published again whole otherwise (consumers
// deduplicate).
absl::Status AppendBundledToOutbox(storage::Transaction& tx, const std::vector<OutgoingEvent>& events,
                                   const core::Clock& clock);

// Every event in the outbox, in publication order, bundles opened (for tests and diagnosis; it
// reads the whole table).
absl::StatusOr<std::vector<Record>> OutboxEvents(storage::Transaction& tx);

struct RelayOptions {
  // Off: the thread only keeps the depth and lag gauges current (another process publishes).
  bool publish = true;
  // The most events one pass publishes (at least one row, whatever it carries).
  int batch_size = 10000;
  // How long the relay sleeps when it found nothing, unless woken.
  absl::Duration idle_interval = absl::Milliseconds(200);
  // Published rows older than this are deleted (set-aside rows are kept).
  absl::Duration retention = absl::Hours(24);
  // How often the running relay asks whether the broker is still the one it published to.
  absl::Duration broker_check_interval = absl::Seconds(5);
};

class OutboxRelay {
 public:
  OutboxRelay(storage::Database& db, Producer& producer, const core::Clock& clock, RelayOptions options = {},
              metrics::OutboxMetrics* metrics = nullptr);
  ~OutboxRelay();

  // Publishes up to one batch of pending events, oldest first. Every row whose events the
  // broker all acknowledged is marked published (never sent again by the relay); an event it
  // refused for good (INVALID_ARGUMENT from the producer) is set aside with the reason, in a
  // row of its own; a row with an event that failed for now stays pending for the next pass.
  // Returns how many events were marked published, or the first failure when none was
  // published nor set aside. (The idempotent producer fails a partition's later records with
  // an earlier one, so a retry keeps a key's order.)
  absl::StatusOr<int> PublishBatch();
  // Events not yet published (set-aside ones excluded).
  absl::StatusOr<int64_t> Depth();
  // Events set aside because the broker can never take them.
  absl::StatusOr<int64_t> SetAside();

  // Asks the producer who the cluster is; when it is not the one this database last published
  // to, every retained published row becomes pending again, in its original order. The first
  // cluster ever seen is just remembered. Returns how many events were made pending again.
  // UNAVAILABLE when the cluster cannot be asked.
  absl::StatusOr<int64_t> CheckBroker();
  // Makes the retained published rows created at or after `since`, and before `until`, pending
  // again (an operator's replay after a consumer lost events). Returns how many events they
  // carry.
  absl::StatusOr<int64_t> Replay(absl::Time since, absl::Time until = absl::InfiniteFuture());

  // Runs PublishBatch (when options.publish) and refreshes the gauges on a background loop
  // until Stop().
  void Start() { loop_.Start(); }
  // Publishes promptly (call after committing a transaction that appended events).
  void Wake() { loop_.Wake(); }
  // Stops the loop after its current batch.
  void Stop() { loop_.Stop(); }

 private:
  // One pass of the background loop; returns how long to idle.
  absl::Duration Pass();
  void Observe();
  storage::Database& db_;
  Producer& producer_;
  const core::Clock& clock_;
  RelayOptions options_;
  metrics::OutboxMetrics* metrics_;
  // Touched by the loop's passes only.
  absl::Time next_observation_ = absl::InfinitePast();
  absl::Time next_broker_check_ = absl::InfinitePast();
  bool broker_known_ = false;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::events
