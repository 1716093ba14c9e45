// The outbox relay and the inbox on both backends, with the producer and consumer fakes of
// libs/testing standing in for Kafka (Kafka itself is exercised in kafka_test and the end-to-end
// tests).
#include <map>
#include <set>

#include "core/status_macros.h"
#include "events/inbox.h"
#include "events/outbox.h"
#include "events/outbox_queries.h"
#include "gmock/gmock.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "published_seconds.h"
#include "testing/backends.h"
#include "testing/fake_consumer.h"
#include "testing/fake_producer.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::events {
namespace {

using google::protobuf::Timestamp;

using testing::FakeProducer;

class EventTablesTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("events");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {EventTablesMigrations(db_->dialect()),
                                                {"app", {{1, "notes", "CREATE TABLE notes (text TEXT NOT NULL);"}}}})
                    .ok());
  }
  Envelope NewEvent(const std::string& key, int64_t seconds = 0) {
    Timestamp payload;
    payload.set_seconds(seconds);
    return NewEnvelope({"test", &clock_, &random_}, payload, "amo-tns", key);
  }
  int64_t CountRows(const std::string& table) { return testing::Count(*db_, "SELECT COUNT(*) FROM " + table); }
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_;
  testing::SeededRandom random_{7};
};

TEST_P(EventTablesTest, OutboxRowCommitsAndRollsBackWithTheStateChange) {
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                   RETURN_IF_ERROR(tx.Execute("INSERT INTO notes VALUES ('kept')").status());
                   return AppendToOutbox(tx, "t", NewEvent("k"), clock_);
                 })
                  .ok());
  absl::Status failed = db_->Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO notes VALUES ('lost')").status());
    RETURN_IF_ERROR(AppendToOutbox(tx, "t", NewEvent("k"), clock_));
    return absl::AbortedError("crash before commit");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(CountRows("notes"), 1);
  EXPECT_EQ(CountRows("outbox"), 1);
}

TEST_P(EventTablesTest, RelayPublishesInOrderOnceAndMarksRows) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    Envelope e = NewEvent(i % 2 ? "odd" : "even", i);
    ids.push_back(e.event_id());
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "topic-a", e, clock_); }).ok());
  }
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_, {.batch_size = 3});
  EXPECT_EQ(*relay.Depth(), 5);
  EXPECT_EQ(*relay.PublishBatch(), 3);
  EXPECT_EQ(*relay.PublishBatch(), 2);
  EXPECT_EQ(*relay.PublishBatch(), 0);
  EXPECT_EQ(*relay.Depth(), 0);
  ASSERT_EQ(producer.published().size(), 5u);
  for (int i = 0; i < 5; ++i) {
    auto e = ParseEnvelope(producer.published()[i].value);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->event_id(), ids[i]) << "position " << i;
    EXPECT_EQ(producer.published()[i].topic, "topic-a");
    EXPECT_EQ(producer.published()[i].key, i % 2 ? "odd" : "even");
  }
}

TEST_P(EventTablesTest, FailedPublicationIsRetriedAndNothingIsSkipped) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k", i), clock_); }).ok());
  }
  FakeProducer producer;
  producer.FailFrom(2);
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.PublishBatch(), 2);
  EXPECT_EQ(*relay.Depth(), 2);
  producer.FailFrom(0);
  EXPECT_EQ(relay.PublishBatch().status().code(), absl::StatusCode::kUnavailable);
  producer.Recover();
  EXPECT_EQ(*relay.PublishBatch(), 2);
  ASSERT_EQ(producer.published().size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Unpack<Timestamp>(*ParseEnvelope(producer.published()[i].value))->seconds(), i);
  }
}

TEST_P(EventTablesTest, AnEventTheBrokerCanNeverTakeIsSetAsideAndTheOthersFlow) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return AppendToOutbox(tx, "t", NewEvent(i == 1 ? "huge" : "k", i), clock_);
                   })
                    .ok());
  }
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::OutboxMetrics metrics(*registry);
  FakeProducer producer;
  producer.Refuse("huge");
  OutboxRelay relay(*db_, producer, clock_, {}, &metrics);
  EXPECT_EQ(*relay.PublishBatch(), 3);
  EXPECT_EQ(*relay.PublishBatch(), 0) << "nothing is sent again";
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 2, 3));
  EXPECT_EQ(*relay.Depth(), 0);
  EXPECT_EQ(*relay.SetAside(), 1);
  EXPECT_EQ(metrics.set_aside.Value(), 1);
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows,
                                    tx.Query("SELECT set_aside_reason FROM outbox WHERE message_key = 'huge'"));
                   EXPECT_THAT(rows.at(0).Text(0), ::testing::HasSubstr("too large"));
                   return absl::OkStatus();
                 })
                  .ok());
  // Retention keeps what was set aside for an operator to see.
  clock_.Advance(absl::Hours(48));
  FakeProducer idle;
  OutboxRelay later(*db_, idle, clock_, {.idle_interval = absl::Milliseconds(5)}, &metrics);
  later.Start();
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (CountRows("outbox") != 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  later.Stop();
  EXPECT_EQ(CountRows("outbox"), 1);
  EXPECT_EQ(*later.SetAside(), 1);
}

TEST_P(EventTablesTest, RowsTheBrokerTookAreNeverSentAgainWhenAnEarlierOneFailed) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return AppendToOutbox(tx, "t", NewEvent(i == 1 ? "busy" : "k", i), clock_);
                   })
                    .ok());
  }
  FakeProducer producer;
  producer.FailForNow("busy");
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.PublishBatch(), 3);
  EXPECT_EQ(*relay.Depth(), 1);
  producer.Recover();
  EXPECT_EQ(*relay.PublishBatch(), 1);
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 2, 3, 1));
}

TEST_P(EventTablesTest, ANewBrokerGetsTheRetainedEventsAgainInTheirOrder) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k", i), clock_); }).ok());
  }
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.CheckBroker(), 0) << "the first broker is only remembered";
  EXPECT_EQ(*relay.PublishBatch(), 3);
  EXPECT_EQ(*relay.CheckBroker(), 0) << "the same broker";
  EXPECT_EQ(*relay.PublishBatch(), 0);

  producer.SetClusterIdentity("cluster-2");  // restarted: it forgot everything
  EXPECT_EQ(*relay.CheckBroker(), 3);
  EXPECT_EQ(*relay.CheckBroker(), 0) << "replayed once";
  EXPECT_EQ(*relay.PublishBatch(), 3);
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 1, 2, 0, 1, 2));

  producer.SetClusterIdentity("");
  EXPECT_EQ(relay.CheckBroker().status().code(), absl::StatusCode::kUnavailable);
}

TEST_P(EventTablesTest, AReplayPublishesAgainWhatWasCreatedSinceAGivenTimeOrInAWindow) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k", i), clock_); }).ok());
    clock_.Advance(absl::Minutes(1));
  }
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.PublishBatch(), 4);
  EXPECT_EQ(*relay.Replay(clock_.Now() - absl::Minutes(2)), 2);
  EXPECT_EQ(*relay.PublishBatch(), 2);
  // A window: from the second event's time to the fourth's, which is not part of it.
  EXPECT_EQ(*relay.Replay(clock_.Now() - absl::Minutes(3), clock_.Now() - absl::Minutes(1)), 2);
  EXPECT_EQ(*relay.PublishBatch(), 2);
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 1, 2, 3, 2, 3, 1, 2));
}

TEST_P(EventTablesTest, BackgroundRelayPublishesWhenWoken) {
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_, {.idle_interval = absl::Seconds(30)});
  relay.Start();
  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k"), clock_); }).ok());
  relay.Wake();
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (*relay.Depth() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  relay.Stop();
  EXPECT_EQ(*relay.Depth(), 0);
}

TEST_P(EventTablesTest, ARunningRelayGivesANewBrokerTheRetainedEventsAgainAtItsNextCheck) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k", i), clock_); }).ok());
  }
  FakeProducer producer;
  const absl::Duration check = absl::Seconds(5);
  OutboxRelay relay(*db_, producer, clock_, {.idle_interval = absl::Hours(1), .broker_check_interval = check});
  relay.Start();
  auto published = [&](size_t n) { return producer.WaitForPublished(n, absl::Seconds(10)); };
  ASSERT_EQ(published(2), 2u);

  producer.SetClusterIdentity("cluster-2");  // restarted: it forgot everything
  // The relay asks who the broker is every `check` of its clock (a fake one here: only this
  // advance makes the check due).
  clock_.Advance(check);
  relay.Wake();
  EXPECT_EQ(published(4), 4u);
  relay.Stop();
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 1, 0, 1));
}

TEST_P(EventTablesTest, PausedRelayPublishesNothingButKeepsTheGaugesCurrent) {
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::OutboxMetrics metrics(*registry);
  FakeProducer producer;
  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k"), clock_); }).ok());
  clock_.Advance(absl::Seconds(30));
  OutboxRelay relay(*db_, producer, clock_, {.publish = false, .idle_interval = absl::Milliseconds(10)}, &metrics);
  relay.Start();
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (metrics.depth.Value() != 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  relay.Stop();
  EXPECT_EQ(metrics.depth.Value(), 1);
  EXPECT_EQ(metrics.relay_lag_seconds.Value(), 30);
  EXPECT_TRUE(producer.published().empty());
  EXPECT_EQ(*relay.Depth(), 1);
}

// The relay observes the outbox every second (its gauges, its retention): each observation must
// cost what it finds, not a scan of the table, including just after a burst of events, before
// PostgreSQL has gathered statistics on them.
TEST_P(EventTablesTest, TheRelaysObservationsReadOnlyTheirPartialIndexesEvenBeforeStatistics) {
  constexpr int kEvents = 20000;
  std::vector<OutgoingEvent> events;
  for (int i = 0; i < kEvents; ++i) events.push_back({"t", NewEvent(absl::StrCat("k", i))});
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                   RETURN_IF_ERROR(AppendManyToOutbox(tx, events, clock_));
                   return tx.Execute("UPDATE outbox SET published_at_us = created_at_us").status();
                 })
                  .ok());
  const bool postgres = db_->dialect() == storage::Dialect::kPostgres;
  const std::vector<std::pair<const char*, std::string>> queries = {{internal::kPurgePublished, "outbox_published"},
                                                                    {internal::kCountPending, "outbox_unpublished"},
                                                                    {internal::kCountSetAside, "outbox_set_aside"}};
  for (const auto& entry : queries) {
    // Named apart, not bound: a lambda below captures them (C++17 cannot capture a binding).
    const char* query = entry.first;
    const std::string& index = entry.second;
    std::string plan;
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                     RETURN_IF_ERROR(internal::PreferPartialIndexes(tx));
                     const std::string sql = absl::StrCat(postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ", query);
                     ASSIGN_OR_RETURN(auto rows, tx.Query(sql, absl::string_view(query) == internal::kPurgePublished
                                                                   ? storage::Params{storage::Value(0)}
                                                                   : storage::Params{}));
                     // PostgreSQL: one line per row; SQLite: the detail in the last column.
                     for (const storage::Row& row : rows) absl::StrAppend(&plan, row.Text(row.size() - 1), "\n");
                     return absl::OkStatus();
                   })
                    .ok());
    SCOPED_TRACE(absl::StrCat(query, "\n", plan));
    EXPECT_THAT(plan, ::testing::HasSubstr(index));
    EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr(postgres ? "Seq Scan" : "SCAN outbox\n")));
  }
}

// Writes one note per event; refuses events whose payload says -1.
class NoteApplier final : public EventApplier {
 public:
  absl::Status Apply(storage::Transaction& tx, const Envelope& envelope) override {
    ++calls;
    ASSIGN_OR_RETURN(Timestamp t, Unpack<Timestamp>(envelope));
    RETURN_IF_ERROR(tx.Execute("INSERT INTO notes VALUES ($1)", {envelope.event_id()}).status());
    if (t.seconds() == -1) return absl::InvalidArgumentError("payload: -1 is not allowed");
    if (t.seconds() == -2 && transient_failures-- > 0) return absl::UnavailableError("busy");
    return absl::OkStatus();
  }
  int calls = 0;
  int transient_failures = 0;
};

ConsumedMessage AsMessage(const Envelope& e, int64_t offset) {
  return ConsumedMessage{"himaya.registration.amo-tns.v1", 0, offset, e.aggregate_id(), e.SerializeAsString()};
}

TEST_P(EventTablesTest, InboxAppliesEachEventOnce) {
  NoteApplier applier;
  InboxHandler inbox(*db_, "notes", applier, clock_);
  Envelope e = NewEvent("k");
  EXPECT_EQ(*inbox.Process(AsMessage(e, 0)), Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(AsMessage(e, 0)), Outcome::kDuplicate);   // redelivered
  EXPECT_EQ(*inbox.Process(AsMessage(e, 17)), Outcome::kDuplicate);  // republished
  EXPECT_EQ(applier.calls, 1);
  EXPECT_EQ(CountRows("notes"), 1);
  EXPECT_EQ(CountRows("inbox"), 1);
}

TEST_P(EventTablesTest, InboxKeepsConsumersApart) {
  NoteApplier a, b;
  InboxHandler first(*db_, "first", a, clock_);
  InboxHandler second(*db_, "second", b, clock_);
  Envelope e = NewEvent("k");
  EXPECT_EQ(*first.Process(AsMessage(e, 0)), Outcome::kApplied);
  EXPECT_EQ(*second.Process(AsMessage(e, 0)), Outcome::kApplied);
}

TEST_P(EventTablesTest, UndecodableAndRefusedEventsAreDeadLetteredWithoutTheirEffects) {
  NoteApplier applier;
  InboxHandler inbox(*db_, "notes", applier, clock_);
  EXPECT_EQ(*inbox.Process({"t", 1, 5, "k", "not an envelope"}), Outcome::kRejected);
  EXPECT_EQ(*inbox.Process(AsMessage(NewEvent("k", -1), 6)), Outcome::kRejected);
  EXPECT_EQ(CountRows("dead_letters"), 2);
  EXPECT_EQ(CountRows("notes"), 0) << "a refused event's partial effects are rolled back";
  EXPECT_EQ(CountRows("inbox"), 0);
  // The same message again leaves one dead letter, not two.
  EXPECT_EQ(*inbox.Process({"t", 1, 5, "k", "not an envelope"}), Outcome::kRejected);
  EXPECT_EQ(CountRows("dead_letters"), 2);
}

TEST_P(EventTablesTest, TransientFailureLeavesNoTraceAndSucceedsOnRetry) {
  NoteApplier applier;
  applier.transient_failures = 1;
  InboxHandler inbox(*db_, "notes", applier, clock_);
  ConsumedMessage m = AsMessage(NewEvent("k", -2), 0);
  EXPECT_EQ(inbox.Process(m).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CountRows("inbox"), 0);
  EXPECT_EQ(CountRows("notes"), 0);
  EXPECT_EQ(*inbox.Process(m), Outcome::kApplied);
  EXPECT_EQ(CountRows("notes"), 1);
}

TEST_P(EventTablesTest, ABatchCommitsTogetherAndARefusedEventFallsBackToOneAtATime) {
  NoteApplier applier;
  InboxHandler inbox(*db_, "notes", applier, clock_);
  Envelope a = NewEvent("k", 1), b = NewEvent("k", 2), bad = NewEvent("k", -1);
  absl::Status error;
  ASSERT_EQ(inbox.HandleBatch({AsMessage(a, 0), AsMessage(b, 1), AsMessage(a, 2)}, &error), 3u);
  EXPECT_EQ(CountRows("notes"), 2) << "a redelivered event inside a batch is applied once";
  ASSERT_EQ(inbox.HandleBatch({AsMessage(NewEvent("k", 3), 3), AsMessage(bad, 4), AsMessage(b, 5)}, &error), 3u);
  ASSERT_TRUE(error.ok()) << error;
  EXPECT_EQ(CountRows("notes"), 3);
  EXPECT_EQ(CountRows("dead_letters"), 1);
  EXPECT_EQ(CountRows("inbox"), 3);
}

TEST_P(EventTablesTest, ATransientFailureInABatchHandlesNothingAndSaysWhy) {
  NoteApplier applier;
  applier.transient_failures = 1;
  InboxHandler inbox(*db_, "notes", applier, clock_);
  absl::Status error;
  EXPECT_EQ(inbox.HandleBatch({AsMessage(NewEvent("k", 1), 0), AsMessage(NewEvent("k", -2), 1)}, &error), 0u);
  EXPECT_EQ(error.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CountRows("notes"), 0);
}

TEST_P(EventTablesTest, WhatTheRelayPublishesAgainTheInboxAppliesOnce) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return AppendToOutbox(tx, "t", NewEvent("k", i), clock_); }).ok());
  }
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_);
  ASSERT_EQ(*relay.CheckBroker(), 0);
  ASSERT_EQ(*relay.PublishBatch(), 3);
  producer.SetClusterIdentity("cluster-2");
  ASSERT_EQ(*relay.CheckBroker(), 3);
  ASSERT_EQ(*relay.PublishBatch(), 3);

  NoteApplier applier;
  InboxHandler inbox(*db_, "notes", applier, clock_);
  testing::FakeConsumer consumer(inbox);
  std::vector<ConsumedMessage> messages;
  for (const Record& r : producer.published()) {
    messages.push_back({r.topic, 0, static_cast<int64_t>(messages.size()), r.key, r.value});
  }
  EXPECT_EQ(consumer.Deliver(messages).code(), absl::StatusCode::kFailedPrecondition) << "not started";
  consumer.Start();
  ASSERT_TRUE(consumer.Deliver(messages).ok());
  consumer.Stop();
  EXPECT_EQ(applier.calls, 3);
  EXPECT_EQ(CountRows("notes"), 3);
  EXPECT_EQ(CountRows("inbox"), 3);
}

INSTANTIATE_BACKENDS(EventTablesTest);

}  // namespace
}  // namespace himaya::events
