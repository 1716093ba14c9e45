// Bundles in the outbox, on both backends: many events in one row, each published as its own
// record, in order; a bundle marked published only when all its events were acknowledged; an
// event refused for good set aside alone; replays and gauges counted in events.
#include <string>
#include <vector>

#include "core/status_macros.h"
#include "events/outbox.h"
#include "gmock/gmock.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "himaya/events/v1/outbox_bundle.pb.h"
#include "published_seconds.h"
#include "testing/backends.h"
#include "testing/fake_producer.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::events {
namespace {

using google::protobuf::Timestamp;
using testing::FakeProducer;

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

class OutboxBundleTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("bundles");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {EventTablesMigrations(db_->dialect())}).ok());
  }
  // Event i carries i as its payload, under `key(i)`.
  std::vector<OutgoingEvent> Events(int64_t n, const std::function<std::string(int64_t)>& key) {
    std::vector<OutgoingEvent> out;
    for (int64_t i = 0; i < n; ++i) {
      Timestamp payload;
      payload.set_seconds(i);
      out.push_back(
          {i % 3 == 0 ? "topic-a" : "topic-b", NewEnvelope({"test", &clock_, &random_}, payload, "amo-tns", key(i))});
    }
    return out;
  }
  void Append(const std::vector<OutgoingEvent>& events) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return AppendBundledToOutbox(tx, events, clock_); }).ok());
  }
  std::vector<int64_t> EventsPerRow() {
    std::vector<int64_t> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT events FROM outbox ORDER BY id")) out.push_back(r.Int(0));
    return out;
  }
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_;
  testing::SeededRandom random_{11};
};

TEST_P(OutboxBundleTest, ManyEventsTakeOneRowPerBundleAndArePublishedOneByOneInTheirOrder) {
  const std::vector<OutgoingEvent> events = Events(2500, [](int64_t i) { return absl::StrCat("k", i % 7); });
  Append(events);
  EXPECT_THAT(EventsPerRow(), ::testing::ElementsAre(1000, 1000, 500));
  std::vector<Record> stored;
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(stored, OutboxEvents(tx));
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(Seconds(stored), Range(0, 2500));

  auto registry = std::make_shared<prometheus::Registry>();
  metrics::OutboxMetrics metrics(*registry);
  FakeProducer producer;
  // A pass takes whole rows up to 1,400 events: one bundle a pass here.
  OutboxRelay relay(*db_, producer, clock_, {.batch_size = 1400}, &metrics);
  EXPECT_EQ(*relay.Depth(), 2500);
  EXPECT_EQ(*relay.PublishBatch(), 1000);
  EXPECT_EQ(*relay.Depth(), 1500);
  EXPECT_EQ(*relay.PublishBatch(), 1000);
  EXPECT_EQ(*relay.PublishBatch(), 500);
  EXPECT_EQ(*relay.PublishBatch(), 0);
  EXPECT_EQ(*relay.Depth(), 0);
  EXPECT_EQ(metrics.published.Value(), 2500);
  const std::vector<Record> published = producer.published();
  ASSERT_EQ(published.size(), events.size());
  EXPECT_EQ(Seconds(published), Range(0, 2500));
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(published[i].topic, events[i].topic);
    EXPECT_EQ(published[i].key, events[i].envelope.aggregate_id());
    EXPECT_EQ(published[i].value, events[i].envelope.SerializeAsString());
  }
}

TEST_P(OutboxBundleTest, APassTakesAtLeastOneRowWhateverItCarries) {
  Append(Events(30, [](int64_t) { return "k"; }));
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_, {.batch_size = 10});
  EXPECT_EQ(*relay.PublishBatch(), 30);
  EXPECT_EQ(*relay.Depth(), 0);
}

TEST_P(OutboxBundleTest, AnEventAloneIsAnOrdinaryRowAndABundleAlsoEndsAtItsSize) {
  Append(Events(1, [](int64_t) { return "alone"; }));
  auto rows = testing::Rows(*db_, "SELECT events, payload FROM outbox");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 1);
  EXPECT_TRUE(ParseEnvelope(rows[0].Text(1)).ok()) << "the envelope itself, not a bundle";

  // Keys of 300 KB: a bundle closes once it holds a mebibyte.
  Append(Events(5, [](int64_t i) { return std::string(300 * 1024, static_cast<char>('a' + i)); }));
  EXPECT_THAT(EventsPerRow(), ::testing::ElementsAre(1, 4, 1));

  // An event of a mebibyte first: it closes its bundle alone, and is an ordinary row too.
  const std::vector<OutgoingEvent> large =
      Events(3, [](int64_t i) { return i == 0 ? std::string(1 << 20, 'L') : std::string("small"); });
  Append(large);
  EXPECT_THAT(EventsPerRow(), ::testing::ElementsAre(1, 4, 1, 1, 2));
  rows = testing::Rows(*db_, "SELECT payload FROM outbox ORDER BY id DESC LIMIT 2");
  EXPECT_EQ(rows.at(1).Text(0), large[0].envelope.SerializeAsString());
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.PublishBatch(), 9);
  ASSERT_EQ(producer.published().size(), 9u);
  for (size_t i = 0; i < large.size(); ++i) {
    EXPECT_EQ(producer.published()[6 + i].value, large[i].envelope.SerializeAsString()) << i;
  }
}

TEST_P(OutboxBundleTest, ABundleWithAnEventThatFailedForNowStaysPendingAndIsPublishedAgainWhole) {
  Append(Events(4, [](int64_t i) { return i == 2 ? "busy" : "k"; }));
  FakeProducer producer;
  producer.FailForNow("busy");
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(relay.PublishBatch().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*relay.Depth(), 4);
  producer.Recover();
  EXPECT_EQ(*relay.PublishBatch(), 4);
  EXPECT_EQ(*relay.PublishBatch(), 0);
  // The broker took 0, 1 and 3 the first time; all four come again (consumers deduplicate).
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 1, 3, 0, 1, 2, 3));
}

TEST_P(OutboxBundleTest, AnEventTheBrokerRefusesIsSetAsideAloneAndTheRestOfItsBundleFlows) {
  const std::vector<OutgoingEvent> events = Events(5, [](int64_t i) {
    if (i == 1) return std::string("huge");
    return std::string(i == 3 ? "busy" : "k");
  });
  Append(events);
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::OutboxMetrics metrics(*registry);
  FakeProducer producer;
  producer.Refuse("huge");
  producer.FailForNow("busy");
  OutboxRelay relay(*db_, producer, clock_, {}, &metrics);
  EXPECT_EQ(*relay.PublishBatch(), 0) << "the bundle waits for its busy event";
  EXPECT_EQ(*relay.SetAside(), 1);
  EXPECT_EQ(*relay.Depth(), 4);
  EXPECT_EQ(metrics.set_aside.Value(), 1);
  auto aside = testing::Rows(*db_,
                             "SELECT event_id, topic, message_key, payload, events, set_aside_reason FROM outbox "
                             "WHERE set_aside_at_us IS NOT NULL");
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(aside[0].Text(0), events[1].envelope.event_id());
  EXPECT_EQ(aside[0].Text(1), events[1].topic);
  EXPECT_EQ(aside[0].Text(2), "huge");
  EXPECT_EQ(aside[0].Text(3), events[1].envelope.SerializeAsString());
  EXPECT_EQ(aside[0].Int(4), 1);
  EXPECT_THAT(aside[0].Text(5), ::testing::HasSubstr("too large"));

  producer.Recover();
  EXPECT_EQ(*relay.PublishBatch(), 4);
  EXPECT_EQ(*relay.PublishBatch(), 0);
  EXPECT_EQ(*relay.SetAside(), 1) << "set aside once";
  EXPECT_THAT(Seconds(producer.published()), ::testing::ElementsAre(0, 2, 4, 0, 2, 3, 4));
}

TEST_P(OutboxBundleTest, ABundleAllRefusedLeavesOnlyItsEventsSetAside) {
  Append(Events(3, [](int64_t) { return "huge"; }));
  FakeProducer producer;
  producer.Refuse("huge");
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.PublishBatch(), 0);
  EXPECT_EQ(*relay.SetAside(), 3);
  EXPECT_EQ(*relay.Depth(), 0);
  EXPECT_THAT(EventsPerRow(), ::testing::ElementsAre(1, 1, 1));
}

TEST_P(OutboxBundleTest, ABundleThatCannotBeReadIsSetAsideAndTheRowsBehindItFlow) {
  Append(Events(3, [](int64_t) { return "k"; }));
  Append(Events(1, [](int64_t) { return "after"; }));
  testing::Execute(*db_, "UPDATE outbox SET payload = $1 WHERE events = 3", {storage::Bytes{"\xff\xff not a bundle"}});
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.PublishBatch(), 1);
  EXPECT_EQ(*relay.SetAside(), 1);
  EXPECT_EQ(*relay.Depth(), 0);
  ASSERT_EQ(producer.published().size(), 1u);
  EXPECT_EQ(producer.published()[0].key, "after");
  EXPECT_THAT(testing::Rows(*db_, "SELECT set_aside_reason FROM outbox WHERE events = 3").at(0).Text(0),
              ::testing::HasSubstr("does not parse"));
}

TEST_P(OutboxBundleTest, ANewBrokerAndAReplayCountAndRepublishEventsNotRows) {
  Append(Events(1500, [](int64_t i) { return absl::StrCat("k", i % 5); }));
  FakeProducer producer;
  OutboxRelay relay(*db_, producer, clock_);
  EXPECT_EQ(*relay.CheckBroker(), 0);
  EXPECT_EQ(*relay.PublishBatch(), 1500);
  producer.SetClusterIdentity("cluster-2");
  EXPECT_EQ(*relay.CheckBroker(), 1500);
  EXPECT_EQ(*relay.Depth(), 1500);
  EXPECT_EQ(*relay.PublishBatch(), 1500);
  EXPECT_EQ(*relay.Replay(clock_.Now()), 1500);
  EXPECT_EQ(*relay.PublishBatch(), 1500);
  std::vector<int64_t> expected;
  for (int round = 0; round < 3; ++round) {
    for (int64_t s : Range(0, 1500)) expected.push_back(s);
  }
  EXPECT_EQ(Seconds(producer.published()), expected);
}

INSTANTIATE_BACKENDS(OutboxBundleTest);

}  // namespace
}  // namespace himaya::events
