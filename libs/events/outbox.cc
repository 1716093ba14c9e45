#include "events/outbox.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox_queries.h"
#include "events_migrations.h"
#include "storage/bulk.h"

namespace himaya::events {

namespace internal {

absl::Status PreferPartialIndexes(storage::Transaction& tx) {
  if (tx.dialect() != storage::Dialect::kPostgres) return absl::OkStatus();
  return tx.ExecuteScript("SET LOCAL enable_seqscan = off");
}

}  // namespace internal

storage::MigrationSet EventTablesMigrations(storage::Dialect dialect) { return storage::EventsMigrations(dialect); }

absl::Status AppendToOutbox(storage::Transaction& tx, absl::string_view topic, const Envelope& envelope,
                            const core::Clock& clock) {
  return tx
      .Execute(
          "INSERT INTO outbox (event_id, topic, message_key, payload, created_at_us) "
          "VALUES ($1, $2, $3, $4, $5)",
          {envelope.event_id(), topic, envelope.aggregate_id(), storage::Bytes{envelope.SerializeAsString()},
           absl::ToUnixMicros(clock.Now())})
      .status();
}

absl::Status AppendManyToOutbox(storage::Transaction& tx, const std::vector<OutgoingEvent>& events,
                                const core::Clock& clock) {
  const int64_t now = absl::ToUnixMicros(clock.Now());
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(events.size());
  for (const OutgoingEvent& e : events) {
    rows.push_back({e.envelope.event_id(), e.topic, e.envelope.aggregate_id(),
                    storage::Bytes{e.envelope.SerializeAsString()}, now});
  }
  return storage::InsertRows(tx, "outbox", {"event_id", "topic", "message_key", "payload", "created_at_us"},
                             std::move(rows))
      .status();
}

// Marks rows published, by id (never by id range: on PostgreSQL a gap in the ids can be a
// transaction not yet committed, whose event must still be published).
absl::Status MarkPublished(storage::Transaction& tx, const std::vector<int64_t>& ids, size_t count, int64_t now) {
  constexpr size_t kIdsPerStatement = 500;
  auto sql_for = [](size_t n) {
    std::string sql = "UPDATE outbox SET published_at_us = $1 WHERE id IN (";
    for (size_t i = 0; i < n; ++i) absl::StrAppend(&sql, i ? ", $" : "$", i + 2);
    return sql + ")";
  };
  static const std::string full = sql_for(kIdsPerStatement);
  const std::string one = sql_for(1);
  size_t next = 0;
  std::vector<storage::Value> params;
  for (; next + kIdsPerStatement <= count; next += kIdsPerStatement) {
    params.assign(1, storage::Value(now));
    for (size_t i = next; i < next + kIdsPerStatement; ++i) params.emplace_back(ids[i]);
    RETURN_IF_ERROR(tx.Execute(full, params).status());
  }
  for (; next < count; ++next) RETURN_IF_ERROR(tx.Execute(one, {now, ids[next]}).status());
  return absl::OkStatus();
}

OutboxRelay::OutboxRelay(storage::Database& db, Producer& producer, const core::Clock& clock, RelayOptions options,
                         metrics::OutboxMetrics* metrics)
    : db_(db), producer_(producer), clock_(clock), options_(options), metrics_(metrics) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::StatusOr<int> OutboxRelay::PublishBatch() {
  std::vector<int64_t> ids;
  std::vector<std::string> event_ids;
  std::vector<Record> records;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, topic, message_key, payload, event_id FROM outbox "
                                         "WHERE published_at_us IS NULL AND set_aside_at_us IS NULL "
                                         "ORDER BY id LIMIT $1",
                                         {options_.batch_size}));
    for (const storage::Row& row : rows) {
      ids.push_back(row.Int(0));
      records.push_back(Record{row.Text(1), row.Text(2), row.Text(3)});
      event_ids.push_back(row.Text(4));
    }
    return absl::OkStatus();
  }));
  if (records.empty()) return 0;

  std::vector<absl::Status> results = producer_.Publish(records);
  std::vector<int64_t> delivered;
  std::vector<size_t> refused;
  absl::Status first_failure;
  size_t failures = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      delivered.push_back(ids[i]);
    } else if (absl::IsInvalidArgument(results[i])) {
      refused.push_back(i);
    } else {
      if (failures++ == 0) first_failure = results[i];
    }
  }
  if (failures > 0) {
    if (metrics_ != nullptr) metrics_->publish_errors.Increment(static_cast<double>(failures));
    log::Warn("outbox: publication failed; will retry",
              {{"failed", static_cast<int64_t>(failures)}, {"error", first_failure}});
  }
  if (delivered.empty() && refused.empty()) return first_failure;

  const int64_t now = absl::ToUnixMicros(clock_.Now());
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(MarkPublished(tx, delivered, delivered.size(), now));
    for (size_t i : refused) {
      RETURN_IF_ERROR(tx.Execute("UPDATE outbox SET set_aside_at_us = $1, set_aside_reason = $2 WHERE id = $3",
                                 {now, std::string(results[i].message()), ids[i]})
                          .status());
    }
    return absl::OkStatus();
  }));
  for (size_t i : refused) {
    // The reason is the broker's (a size, a format), never the payload's content.
    log::Error("outbox: event set aside: the broker can never take it",
               {{"topic", records[i].topic},
                {"event_id", event_ids[i]},
                {"bytes", static_cast<int64_t>(records[i].value.size())},
                {"reason", results[i]}});
  }
  if (metrics_ != nullptr) {
    metrics_->published.Increment(static_cast<double>(delivered.size()));
    if (!refused.empty()) metrics_->set_aside.Increment(static_cast<double>(refused.size()));
  }
  return static_cast<int>(delivered.size());
}

absl::StatusOr<int64_t> OutboxRelay::Depth() {
  int64_t depth = 0;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(internal::PreferPartialIndexes(tx));
    ASSIGN_OR_RETURN(auto rows, tx.Query(internal::kCountPending));
    depth = rows.at(0).Int(0);
    return absl::OkStatus();
  }));
  return depth;
}

absl::StatusOr<int64_t> OutboxRelay::SetAside() {
  int64_t n = 0;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(internal::PreferPartialIndexes(tx));
    ASSIGN_OR_RETURN(auto rows, tx.Query(internal::kCountSetAside));
    n = rows.at(0).Int(0);
    return absl::OkStatus();
  }));
  return n;
}

absl::StatusOr<int64_t> OutboxRelay::MakePendingAgain(absl::Time since, absl::string_view why) {
  int64_t n = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(n, tx.Execute("UPDATE outbox SET published_at_us = NULL "
                                   "WHERE published_at_us IS NOT NULL AND created_at_us >= $1",
                                   {absl::ToUnixMicros(since)}));
    return absl::OkStatus();
  }));
  if (metrics_ != nullptr) metrics_->replayed.Increment(static_cast<double>(n));
  log::Warn("outbox: publishing retained events again", {{"why", why}, {"events", n}});
  Wake();
  return n;
}

absl::StatusOr<int64_t> OutboxRelay::Replay(absl::Time since) { return MakePendingAgain(since, "replay asked"); }

absl::StatusOr<int64_t> OutboxRelay::CheckBroker() {
  ASSIGN_OR_RETURN(std::string identity, producer_.ClusterIdentity());
  constexpr absl::string_view kState = "broker";
  int64_t replayed = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    replayed = 0;
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT value FROM outbox_relay_state WHERE name = $1", {kState}));
    if (!rows.empty() && rows[0].Text(0) == identity) return absl::OkStatus();
    if (!rows.empty()) {
      // A new cluster: it holds none of what was published to the old one.
      ASSIGN_OR_RETURN(replayed,
                       tx.Execute("UPDATE outbox SET published_at_us = NULL WHERE published_at_us IS NOT NULL"));
    }
    return tx
        .Execute(rows.empty() ? "INSERT INTO outbox_relay_state (name, value) VALUES ($1, $2)"
                              : "UPDATE outbox_relay_state SET value = $2 WHERE name = $1",
                 {kState, identity})
        .status();
  }));
  if (replayed > 0) {
    if (metrics_ != nullptr) metrics_->replayed.Increment(static_cast<double>(replayed));
    log::Warn("outbox: a new broker; publishing the retained events again", {{"events", replayed}});
  }
  return replayed;
}

// Refreshes the depth and lag gauges, and deletes rows published long ago.
void OutboxRelay::Observe() {
  const int64_t now = absl::ToUnixMicros(clock_.Now());
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(internal::PreferPartialIndexes(tx));
    RETURN_IF_ERROR(
        tx.Execute(internal::kPurgePublished, {now - absl::ToInt64Microseconds(options_.retention)}).status());
    if (metrics_ == nullptr) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto rows, tx.Query(internal::kCountPending));
    metrics_->depth.Set(static_cast<double>(rows.at(0).Int(0)));
    metrics_->relay_lag_seconds.Set(rows.at(0).IsNull(1) ? 0.0 : static_cast<double>(now - rows.at(0).Int(1)) / 1e6);
    ASSIGN_OR_RETURN(rows, tx.Query(internal::kCountSetAside));
    metrics_->set_aside.Set(static_cast<double>(rows.at(0).Int(0)));
    return absl::OkStatus();
  });
  if (!status.ok()) log::Warn("outbox: observation failed", {{"error", status}});
}

absl::Duration OutboxRelay::Pass() {
  if (clock_.Now() >= next_observation_) {
    Observe();
    next_observation_ = clock_.Now() + absl::Seconds(1);
  }
  absl::StatusOr<int> published = 0;
  if (options_.publish && clock_.Now() >= next_broker_check_) {
    // Nothing is published before the broker is known: a new one first gets what the old
    // one had, in order.
    absl::StatusOr<int64_t> checked = CheckBroker();
    if (checked.ok()) {
      broker_known_ = true;
      next_broker_check_ = clock_.Now() + options_.broker_check_interval;
    } else {
      log::Warn("outbox: cannot ask who the broker is", {{"error", checked.status()}});
      published = checked.status();
    }
  }
  if (options_.publish && broker_known_ && published.ok()) published = PublishBatch();
  if (!published.ok()) {
    log::Warn("outbox: relay pass failed", {{"error", published.status()}});
    return absl::Seconds(1);
  }
  if (*published == options_.batch_size) return absl::ZeroDuration();  // more may be waiting
  return options_.idle_interval;
}

}  // namespace himaya::events
