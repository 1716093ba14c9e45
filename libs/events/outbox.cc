#include "events/outbox.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events_migrations.h"
#include "storage/bulk.h"

namespace himaya::events {

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
  return storage::InsertRows(tx, "outbox", {"event_id", "topic", "message_key", "payload", "created_at_us"}, rows)
      .status();
}

// Marks rows published, by id (never by id range: on PostgreSQL a gap in the ids can be a
// transaction not yet committed, whose event must still be published).
absl::Status MarkPublished(storage::Transaction& tx, const std::vector<int64_t>& ids, size_t count, int64_t now) {
  constexpr size_t kIdsPerStatement = 100;
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
  std::vector<Record> records;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, topic, message_key, payload FROM outbox "
                                         "WHERE published_at_us IS NULL ORDER BY id LIMIT $1",
                                         {options_.batch_size}));
    for (const storage::Row& row : rows) {
      ids.push_back(row.Int(0));
      records.push_back(Record{row.Text(1), row.Text(2), row.Text(3)});
    }
    return absl::OkStatus();
  }));
  if (records.empty()) return 0;

  std::vector<absl::Status> results = producer_.Publish(records);
  size_t delivered = 0;
  while (delivered < results.size() && results[delivered].ok()) ++delivered;
  if (delivered < results.size()) {
    if (metrics_ != nullptr) metrics_->publish_errors.Increment(results.size() - delivered);
    log::Warn("outbox: publication failed; will retry",
              {{"topic", records[delivered].topic}, {"error", results[delivered]}});
  }
  if (delivered == 0) return results[0];

  const int64_t now = absl::ToUnixMicros(clock_.Now());
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return MarkPublished(tx, ids, delivered, now); }));
  if (metrics_ != nullptr) metrics_->published.Increment(static_cast<double>(delivered));
  return static_cast<int>(delivered);
}

absl::StatusOr<int64_t> OutboxRelay::Depth() {
  int64_t depth = 0;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM outbox WHERE published_at_us IS NULL"));
    depth = rows.at(0).Int(0);
    return absl::OkStatus();
  }));
  return depth;
}

void OutboxRelay::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void OutboxRelay::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

// Refreshes the depth and lag gauges, and deletes rows published long ago.
void OutboxRelay::Observe() {
  const int64_t now = absl::ToUnixMicros(clock_.Now());
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Execute("DELETE FROM outbox WHERE published_at_us < $1",
                               {now - absl::ToInt64Microseconds(options_.retention)})
                        .status());
    if (metrics_ == nullptr) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*), MIN(created_at_us) FROM outbox "
                                         "WHERE published_at_us IS NULL"));
    metrics_->depth.Set(static_cast<double>(rows.at(0).Int(0)));
    metrics_->relay_lag_seconds.Set(rows.at(0).IsNull(1) ? 0.0 : static_cast<double>(now - rows.at(0).Int(1)) / 1e6);
    return absl::OkStatus();
  });
  if (!status.ok()) log::Warn("outbox: observation failed", {{"error", status}});
}

void OutboxRelay::Run() {
  absl::Time next_observation = absl::InfinitePast();
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      woken_ = false;
    }
    if (absl::Now() >= next_observation) {
      Observe();
      next_observation = absl::Now() + absl::Seconds(1);
    }
    absl::StatusOr<int> published = options_.publish ? PublishBatch() : absl::StatusOr<int>(0);
    if (!published.ok()) {
      log::Warn("outbox: relay pass failed", {{"error", published.status()}});
    }
    if (published.ok() && *published == options_.batch_size) continue;  // more may be waiting
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoNanoseconds(published.ok() ? options_.idle_interval : absl::Seconds(1)),
                 [&] { return stop_ || woken_; });
  }
}

}  // namespace himaya::events
