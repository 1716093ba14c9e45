#include "events/outbox.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox_queries.h"
#include "events_migrations.h"
#include "himaya/events/v1/outbox_bundle.pb.h"
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

namespace {

// One pending row as the relay read it, its events opened.
struct PendingRow {
  int64_t id = 0;
  int64_t created_at_us = 0;
  std::vector<Record> events;
  // Why the row could not be opened (a bundle that does not parse); it is then set aside.
  absl::Status unreadable;
};

// Opens a row: a bundle when it carries more than one event, one envelope otherwise.
absl::StatusOr<std::vector<Record>> OpenRow(int64_t events, std::string topic, std::string key, std::string payload) {
  std::vector<Record> out;
  if (events == 1) {
    out.push_back(Record{std::move(topic), std::move(key), std::move(payload)});
    return out;
  }
  v1::OutboxBundle bundle;
  if (!bundle.ParseFromString(payload) || bundle.events_size() != events) {
    return absl::DataLossError(absl::StrCat("outbox: a bundle of ", events, " events does not parse"));
  }
  out.reserve(bundle.events_size());
  for (v1::OutboxBundle::Event& e : *bundle.mutable_events()) {
    out.push_back(
        Record{std::move(*e.mutable_topic()), std::move(*e.mutable_message_key()), std::move(*e.mutable_envelope())});
  }
  return out;
}

// The payload of a row carrying `events`: the envelope itself when there is one, a bundle
// otherwise (OpenRow reads either).
std::string RowPayload(std::vector<Record> events) {
  if (events.size() == 1) return std::move(events.front().value);
  v1::OutboxBundle bundle;
  for (Record& e : events) {
    v1::OutboxBundle::Event* out = bundle.add_events();
    out->set_topic(std::move(e.topic));
    out->set_message_key(std::move(e.key));
    out->set_envelope(std::move(e.value));
  }
  return bundle.SerializeAsString();
}

// The event_id of a serialized envelope; empty when it has none (it is only named, not trusted).
std::string EventIdOf(const std::string& envelope) {
  Envelope parsed;
  (void)parsed.ParseFromString(envelope);
  return parsed.event_id();
}

// Marks rows published, by id (never by id range: on PostgreSQL a gap in the ids can be a
// transaction not yet committed, whose event must still be published).
absl::Status MarkPublished(storage::Transaction& tx, const std::vector<int64_t>& ids, int64_t now) {
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
  for (; next + kIdsPerStatement <= ids.size(); next += kIdsPerStatement) {
    params.assign(1, storage::Value(now));
    for (size_t i = next; i < next + kIdsPerStatement; ++i) params.emplace_back(ids[i]);
    RETURN_IF_ERROR(tx.Execute(full, params).status());
  }
  for (; next < ids.size(); ++next) RETURN_IF_ERROR(tx.Execute(one, {now, ids[next]}).status());
  return absl::OkStatus();
}

absl::Status SetAsideRow(storage::Transaction& tx, int64_t id, const absl::Status& reason, int64_t now) {
  return tx
      .Execute("UPDATE outbox SET set_aside_at_us = $1, set_aside_reason = $2 WHERE id = $3",
               {now, std::string(reason.message()), id})
      .status();
}

// Sets aside the events of `row` the broker refused for good (`refused`, by position, with
// their reasons): a row of one event is set aside itself; a bundle's refused events move to
// rows of their own, set aside, and the bundle keeps the others (none left: it is deleted).
absl::Status SetAsideRefused(storage::Transaction& tx, const PendingRow& row,
                             const std::vector<std::pair<size_t, absl::Status>>& refused, int64_t now) {
  if (refused.empty()) return absl::OkStatus();
  if (row.events.size() == 1) return SetAsideRow(tx, row.id, refused[0].second, now);
  std::vector<Record> kept;
  size_t r = 0;
  for (size_t i = 0; i < row.events.size(); ++i) {
    const Record& e = row.events[i];
    if (r < refused.size() && refused[r].first == i) {
      RETURN_IF_ERROR(tx.Execute("INSERT INTO outbox (event_id, topic, message_key, payload, created_at_us, "
                                 "set_aside_at_us, set_aside_reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                 {EventIdOf(e.value), e.topic, e.key, storage::Bytes{e.value}, row.created_at_us, now,
                                  std::string(refused[r++].second.message())})
                          .status());
    } else {
      kept.push_back(e);
    }
  }
  if (kept.empty()) return tx.Execute("DELETE FROM outbox WHERE id = $1", {row.id}).status();
  const int64_t count = static_cast<int64_t>(kept.size());
  const std::string topic = kept.front().topic;
  const std::string key = kept.front().key;
  return tx
      .Execute("UPDATE outbox SET topic = $1, message_key = $2, payload = $3, events = $4 WHERE id = $5",
               {topic, key, storage::Bytes{RowPayload(std::move(kept))}, count, row.id})
      .status();
}

}  // namespace

absl::Status AppendBundledToOutbox(storage::Transaction& tx, const std::vector<OutgoingEvent>& events,
                                   const core::Clock& clock) {
  const int64_t now = absl::ToUnixMicros(clock.Now());
  std::vector<std::vector<storage::Value>> rows;
  std::vector<Record> bundle;
  std::string event_id;  // the bundle's first event's
  size_t bytes = 0;
  auto close = [&] {
    // The first event names the row (its id, topic and key), for an operator reading the table.
    const std::string topic = bundle.front().topic;
    const std::string key = bundle.front().key;
    const int64_t count = static_cast<int64_t>(bundle.size());
    rows.push_back({event_id, topic, key, storage::Bytes{RowPayload(std::move(bundle))}, now, count});
    bundle.clear();
    bytes = 0;
  };
  for (const OutgoingEvent& e : events) {
    if (bundle.empty()) event_id = e.envelope.event_id();
    bundle.push_back(Record{e.topic, e.envelope.aggregate_id(), e.envelope.SerializeAsString()});
    bytes += bundle.back().value.size();
    if (static_cast<int>(bundle.size()) == kMaxBundleEvents || bytes >= kMaxBundleBytes) close();
  }
  if (!bundle.empty()) close();
  return storage::InsertRows(tx, "outbox", {"event_id", "topic", "message_key", "payload", "created_at_us", "events"},
                             std::move(rows))
      .status();
}

absl::StatusOr<std::vector<Record>> OutboxEvents(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT events, topic, message_key, payload FROM outbox ORDER BY id"));
  std::vector<Record> out;
  for (const storage::Row& row : rows) {
    ASSIGN_OR_RETURN(std::vector<Record> events, OpenRow(row.Int(0), row.Text(1), row.Text(2), row.Text(3)));
    for (Record& e : events) out.push_back(std::move(e));
  }
  return out;
}

OutboxRelay::OutboxRelay(storage::Database& db, Producer& producer, const core::Clock& clock, RelayOptions options,
                         metrics::OutboxMetrics* metrics)
    : db_(db), producer_(producer), clock_(clock), options_(options), metrics_(metrics) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::StatusOr<int> OutboxRelay::PublishBatch() {
  std::vector<PendingRow> rows;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    rows.clear();
    // First the pending rows' ids and event counts (from the index alone), to choose rows
    // carrying at most batch_size events; then those rows themselves.
    ASSIGN_OR_RETURN(auto counts, tx.Query("SELECT id, events FROM outbox "
                                           "WHERE published_at_us IS NULL AND set_aside_at_us IS NULL "
                                           "ORDER BY id LIMIT $1",
                                           {options_.batch_size}));
    std::vector<int64_t> chosen;
    int64_t events = 0;
    for (const storage::Row& row : counts) {
      if (!chosen.empty() && events + row.Int(1) > options_.batch_size) break;
      chosen.push_back(row.Int(0));
      events += row.Int(1);
    }
    if (chosen.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto read, tx.Query("SELECT id, events, topic, message_key, payload, created_at_us FROM outbox "
                                         "WHERE published_at_us IS NULL AND set_aside_at_us IS NULL "
                                         "AND id >= $1 AND id <= $2 ORDER BY id",
                                         {chosen.front(), chosen.back()}));
    // A row committed since the first query (PostgreSQL hands out ids before commit) waits
    // for the next pass, as if it had committed later.
    size_t next = 0;
    for (const storage::Row& row : read) {
      while (next < chosen.size() && chosen[next] < row.Int(0)) ++next;
      if (next == chosen.size() || chosen[next] != row.Int(0)) continue;
      absl::StatusOr<std::vector<Record>> opened = OpenRow(row.Int(1), row.Text(2), row.Text(3), row.Text(4));
      rows.push_back(opened.ok() ? PendingRow{row.Int(0), row.Int(5), *std::move(opened), absl::OkStatus()}
                                 : PendingRow{row.Int(0), row.Int(5), {}, opened.status()});
    }
    return absl::OkStatus();
  }));
  if (rows.empty()) return 0;

  std::vector<Record> records;
  for (const PendingRow& row : rows) records.insert(records.end(), row.events.begin(), row.events.end());
  std::vector<absl::Status> results = producer_.Publish(records);

  // What became of each row: all delivered, some refused for good, some failed for now.
  std::vector<int64_t> delivered;
  int64_t delivered_events = 0;
  std::vector<std::vector<std::pair<size_t, absl::Status>>> refused(rows.size());
  int64_t refused_events = 0;
  absl::Status first_failure;
  size_t failures = 0;
  size_t at = 0;
  int64_t unreadable = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (!rows[r].unreadable.ok()) {
      ++unreadable;
      continue;
    }
    bool failed = false;
    for (size_t i = 0; i < rows[r].events.size(); ++i, ++at) {
      const absl::Status& result = results[at];
      if (result.ok()) continue;
      if (absl::IsInvalidArgument(result)) {
        refused[r].emplace_back(i, result);
        ++refused_events;
      } else {
        failed = true;
        if (failures++ == 0) first_failure = result;
      }
    }
    if (!failed && refused[r].size() < rows[r].events.size()) {
      delivered.push_back(rows[r].id);
      delivered_events += static_cast<int64_t>(rows[r].events.size() - refused[r].size());
    }
  }
  if (failures > 0) {
    if (metrics_ != nullptr) metrics_->publish_errors.Increment(static_cast<double>(failures));
    log::Warn("outbox: publication failed; will retry",
              {{"failed", static_cast<int64_t>(failures)}, {"error", first_failure}});
  }
  if (delivered.empty() && refused_events == 0 && unreadable == 0) return first_failure;

  const int64_t now = absl::ToUnixMicros(clock_.Now());
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    // A bundle first gives up what was refused, then is marked with the rest.
    for (size_t r = 0; r < rows.size(); ++r) {
      if (!rows[r].unreadable.ok()) RETURN_IF_ERROR(SetAsideRow(tx, rows[r].id, rows[r].unreadable, now));
      RETURN_IF_ERROR(SetAsideRefused(tx, rows[r], refused[r], now));
    }
    return MarkPublished(tx, delivered, now);
  }));
  for (size_t r = 0; r < rows.size(); ++r) {
    if (!rows[r].unreadable.ok()) {
      log::Error("outbox: row set aside: it cannot be read", {{"id", rows[r].id}, {"reason", rows[r].unreadable}});
    }
    for (const auto& [i, reason] : refused[r]) {
      const Record& record = rows[r].events[i];
      // The reason is the broker's (a size, a format), never the payload's content.
      log::Error("outbox: event set aside: the broker can never take it",
                 {{"topic", record.topic},
                  {"event_id", EventIdOf(record.value)},
                  {"bytes", static_cast<int64_t>(record.value.size())},
                  {"reason", reason}});
    }
  }
  if (metrics_ != nullptr) {
    metrics_->published.Increment(static_cast<double>(delivered_events));
    if (refused_events + unreadable > 0) {
      metrics_->set_aside.Increment(static_cast<double>(refused_events + unreadable));
    }
  }
  return static_cast<int>(delivered_events);
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

namespace {

// Makes the published rows created at or after `since_us` and before `until_us` pending again;
// how many events they carry.
absl::StatusOr<int64_t> MakePublishedPending(storage::Transaction& tx, int64_t since_us, int64_t until_us) {
  constexpr char kWhere[] = "WHERE published_at_us IS NOT NULL AND created_at_us >= $1 AND created_at_us < $2";
  ASSIGN_OR_RETURN(
      auto rows, tx.Query(absl::StrCat("SELECT COALESCE(SUM(events), 0) FROM outbox ", kWhere), {since_us, until_us}));
  RETURN_IF_ERROR(
      tx.Execute(absl::StrCat("UPDATE outbox SET published_at_us = NULL ", kWhere), {since_us, until_us}).status());
  return rows.at(0).Int(0);
}

}  // namespace

absl::StatusOr<int64_t> OutboxRelay::Replay(absl::Time since, absl::Time until) {
  int64_t n = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    // The infinite future is the largest instant (absl saturates).
    ASSIGN_OR_RETURN(n, MakePublishedPending(tx, absl::ToUnixMicros(since), absl::ToUnixMicros(until)));
    return absl::OkStatus();
  }));
  if (metrics_ != nullptr) metrics_->replayed.Increment(static_cast<double>(n));
  log::Warn("outbox: publishing retained events again",
            {{"why", "replay asked"},
             {"since", absl::FormatTime(absl::RFC3339_full, since, absl::UTCTimeZone())},
             {"until", absl::FormatTime(absl::RFC3339_full, until, absl::UTCTimeZone())},
             {"events", n}});
  Wake();
  return n;
}

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
      ASSIGN_OR_RETURN(
          replayed, MakePublishedPending(tx, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
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
  if (*published > 0) return absl::ZeroDuration();  // more may be waiting
  return options_.idle_interval;
}

}  // namespace himaya::events
