// The Kafka client code against the embedded broker (librdkafka's mock cluster, real protocol).
#include "events/kafka.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "events/mock_cluster.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::events {
namespace {

// Collects messages; fails the first attempt at each offset listed in `fail_once`.
class Collector final : public MessageHandler {
 public:
  absl::Status Handle(const ConsumedMessage& m) override {
    std::lock_guard<std::mutex> lock(mu);
    ++attempts;
    if (fail_once.erase(m.value) > 0) return absl::UnavailableError("try again");
    by_key[m.key].push_back(m.value);
    ++handled;
    return absl::OkStatus();
  }
  int Handled() {
    std::lock_guard<std::mutex> lock(mu);
    return handled;
  }
  std::mutex mu;
  std::set<std::string> fail_once;
  std::map<std::string, std::vector<std::string>> by_key;
  int handled = 0;
  int attempts = 0;
};

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(30)) {
  absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = MockCluster::Start({.brokers = 3, .topics = {kTopic}, .partitions = 4});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
    auto producer = KafkaProducer::Create({cluster_->bootstrap_servers()});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }
  // Null (and a failure recorded) when the consumer cannot be created.
  std::unique_ptr<KafkaConsumer> NewConsumer(Collector& collector) {
    auto consumer = KafkaConsumer::Create(
        {.kafka = {cluster_->bootstrap_servers()}, .group_id = "g", .topics = {kTopic}}, &collector, nullptr);
    if (!consumer.ok()) {
      ADD_FAILURE() << consumer.status();
      return nullptr;
    }
    (*consumer)->Start();
    return std::move(*consumer);
  }
  static constexpr const char* kTopic = "himaya.registration.amo-tns.v1";
  std::unique_ptr<MockCluster> cluster_;
  std::unique_ptr<KafkaProducer> producer_;
};

TEST_F(KafkaTest, EveryRecordIsAcknowledgedAndEachKeyStaysInOrder) {
  std::vector<Record> records;
  for (int i = 0; i < 300; ++i) {
    records.push_back({kTopic, absl::StrCat("person-", i % 7), absl::StrCat(i)});
  }
  std::vector<absl::Status> results = producer_->Publish(records);
  ASSERT_EQ(results.size(), records.size());
  for (const auto& s : results) ASSERT_TRUE(s.ok()) << s;

  Collector collector;
  auto consumer = NewConsumer(collector);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(WaitFor([&] { return collector.Handled() == 300; })) << collector.Handled();
  for (const auto& [key, values] : collector.by_key) {
    for (size_t i = 1; i < values.size(); ++i) {
      EXPECT_LT(std::stoi(values[i - 1]), std::stoi(values[i])) << key;
    }
  }
}

TEST_F(KafkaTest, FailedHandlingIsRetriedBeforeMovingOn) {
  Collector collector;
  collector.fail_once = {"1"};
  ASSERT_TRUE(producer_->Publish({{kTopic, "k", "0"}, {kTopic, "k", "1"}, {kTopic, "k", "2"}})[2].ok());
  auto consumer = NewConsumer(collector);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(WaitFor([&] { return collector.Handled() == 3; }));
  std::lock_guard<std::mutex> lock(collector.mu);
  EXPECT_THAT(collector.by_key["k"], ::testing::ElementsAre("0", "1", "2"));
  EXPECT_EQ(collector.attempts, 4);
}

TEST_F(KafkaTest, ARestartedMemberResumesAfterTheLastHandledMessage) {
  ASSERT_TRUE(producer_->Publish({{kTopic, "k", "a"}, {kTopic, "k", "b"}})[1].ok());
  {
    Collector first;
    auto consumer = NewConsumer(first);
    ASSERT_NE(consumer, nullptr);
    ASSERT_TRUE(WaitFor([&] { return first.Handled() == 2; }));
    consumer.reset();  // leaves the group, committing stored offsets
  }
  ASSERT_TRUE(producer_->Publish({{kTopic, "k", "c"}})[0].ok());
  Collector second;
  auto consumer = NewConsumer(second);
  ASSERT_NE(consumer, nullptr);
  // One key, one partition, in order: a and b, were they given again, would come before c.
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(second.mu);
    const std::vector<std::string>& seen = second.by_key["k"];
    return std::find(seen.begin(), seen.end(), "c") != seen.end();
  }));
  std::lock_guard<std::mutex> lock(second.mu);
  EXPECT_THAT(second.by_key["k"], ::testing::ElementsAre("c"));
}

// Fails every attempt at "slow" until `failing` has passed since the first; counts what it handled.
class SlowToSucceed final : public MessageHandler {
 public:
  explicit SlowToSucceed(absl::Duration failing) : failing_(failing) {}
  absl::Status Handle(const ConsumedMessage& m) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (m.value == "slow") {
      if (first_attempt_ == absl::InfinitePast()) first_attempt_ = absl::Now();
      if (absl::Now() - first_attempt_ < failing_) return absl::UnavailableError("the database is down");
    }
    ++handled_[m.value];
    partitions_.insert(m.partition);
    return absl::OkStatus();
  }
  int Handled(const std::string& value) {
    std::lock_guard<std::mutex> lock(mu_);
    return handled_[value];
  }
  bool Attempted() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_attempt_ != absl::InfinitePast();
  }
  size_t Partitions() {
    std::lock_guard<std::mutex> lock(mu_);
    return partitions_.size();
  }

 private:
  const absl::Duration failing_;
  std::mutex mu_;
  absl::Time first_attempt_ = absl::InfinitePast();
  std::map<std::string, int> handled_;
  std::set<int32_t> partitions_;
};

TEST_F(KafkaTest, AMemberRetryingLongerThanItsPollIntervalStaysInItsGroup) {
  // Retried for 9 s with a poll interval of 6 s: a member that stopped polling while it retried
  // would be taken out of its group, its partitions revoked.
  ASSERT_TRUE(producer_->Publish({{kTopic, "k", "slow"}, {kTopic, "k", "next"}})[1].ok());
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::ConsumerMetrics metrics(*registry);
  SlowToSucceed handler(absl::Seconds(9));
  ConsumerOptions options{.kafka = {cluster_->bootstrap_servers()}, .group_id = "g", .topics = {kTopic}};
  options.session_timeout = absl::Seconds(6);
  options.max_poll_interval = absl::Seconds(6);
  auto consumer = KafkaConsumer::Create(options, &handler, &metrics);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  // One key, one partition, in order: "next" comes after "slow" is handled.
  ASSERT_TRUE(WaitFor([&] { return handler.Handled("next") == 1; }, absl::Seconds(90)));
  EXPECT_EQ(handler.Handled("slow"), 1);
  EXPECT_EQ(metrics.rebalances.Add({{"change", "assigned"}}).Value(), 4) << "the topic's four partitions, once";
  EXPECT_EQ(metrics.rebalances.Add({{"change", "revoked"}}).Value(), 0) << "the member left its group";
  (*consumer)->Stop();
}

TEST_F(KafkaTest, PartitionsRevokedWhileARetryWaitedAreReadWhenAssignedAgain) {
  // A member retries "slow" for 9 s; another joins meanwhile (the partitions are revoked and
  // shared out) and leaves once "slow" is handled (all four back to the first). A pause kept
  // from the retry would leave the partitions the other had held unread.
  ASSERT_TRUE(producer_->Publish({{kTopic, "k", "slow"}})[0].ok());
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::ConsumerMetrics metrics(*registry);
  ConsumerOptions options{.kafka = {cluster_->bootstrap_servers()}, .group_id = "g", .topics = {kTopic}};
  options.session_timeout = absl::Seconds(6);
  options.max_poll_interval = absl::Seconds(6);
  SlowToSucceed handler(absl::Seconds(9));
  auto first = KafkaConsumer::Create(options, &handler, &metrics);
  ASSERT_TRUE(first.ok()) << first.status();
  (*first)->Start();
  ASSERT_TRUE(WaitFor([&] { return handler.Attempted(); }));
  Collector other_handler;
  auto other = KafkaConsumer::Create(options, &other_handler, nullptr);
  ASSERT_TRUE(other.ok()) << other.status();
  (*other)->Start();
  auto revoked = [&] { return metrics.rebalances.Add({{"change", "revoked"}}).Value(); };
  ASSERT_TRUE(WaitFor([&] { return revoked() > 0; }, absl::Seconds(60))) << "the other never joined";
  ASSERT_TRUE(WaitFor([&] { return handler.Handled("slow") == 1; }));
  const double revoked_before_leaving = revoked();
  other->reset();  // leaves the group
  ASSERT_TRUE(WaitFor([&] { return revoked() > revoked_before_leaving; }, absl::Seconds(60)));
  std::vector<Record> records;
  for (int i = 0; i < 40; ++i) records.push_back({kTopic, absl::StrCat("key-", i), absl::StrCat("v", i)});
  for (const absl::Status& s : producer_->Publish(records)) ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < 40; ++i) {
          if (handler.Handled(absl::StrCat("v", i)) == 0) return false;
        }
        return true;
      },
      absl::Seconds(60)))
      << "read from " << handler.Partitions() << " partitions of 4";
  EXPECT_EQ(handler.Partitions(), 4u);
  (*first)->Stop();
}

TEST_F(KafkaTest, ARecordTheBrokerCanNeverTakeIsRefusedForGoodAndTheOthersGoThrough) {
  const std::string huge(2'000'000, 'x');  // over message.max.bytes
  std::vector<absl::Status> results =
      producer_->Publish({{kTopic, "k", "before"}, {kTopic, "k", huge}, {kTopic, "k", "after"}});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kInvalidArgument) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];
  absl::StatusOr<int64_t> on_topic = CountTopicMessages({cluster_->bootstrap_servers()}, kTopic);
  ASSERT_TRUE(on_topic.ok()) << on_topic.status();
  EXPECT_EQ(*on_topic, 2);
}

TEST_F(KafkaTest, TheClusterIdentityIsStableForOneBrokerAndNewForANewOne) {
  absl::StatusOr<std::string> first = producer_->ClusterIdentity();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(*first, ::testing::HasSubstr(cluster_->instance_id()));
  absl::StatusOr<std::string> again = producer_->ClusterIdentity();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *first);

  auto other = MockCluster::Start({.topics = {kTopic}});
  ASSERT_TRUE(other.ok()) << other.status();
  auto producer = KafkaProducer::Create({(*other)->bootstrap_servers()});
  ASSERT_TRUE(producer.ok()) << producer.status();
  absl::StatusOr<std::string> second = (*producer)->ClusterIdentity();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(*second, *first);
}

// The embedded broker keeps at most 5 MiB per partition: a consumer stopped while more than that
// was published finds its position gone. What was dropped is counted, never skipped silently.
TEST(KafkaConsumerBehindRetention, EventsDroppedBeforeTheyWereReadAreCountedAndReadingGoesOn) {
  constexpr const char* kTopic = "himaya.registration.amo-tns.v1";
  auto cluster = MockCluster::Start({.topics = {kTopic}, .partitions = 1});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  const KafkaOptions kafka{(*cluster)->bootstrap_servers()};
  auto producer = KafkaProducer::Create(kafka);
  ASSERT_TRUE(producer.ok()) << producer.status();
  auto registry = std::make_shared<prometheus::Registry>();
  metrics::ConsumerMetrics metrics(*registry);
  auto start = [&](Collector& collector) -> std::unique_ptr<KafkaConsumer> {
    auto consumer = KafkaConsumer::Create({.kafka = kafka, .group_id = "g", .topics = {kTopic}}, &collector, &metrics);
    if (!consumer.ok()) {
      ADD_FAILURE() << consumer.status();
      return nullptr;
    }
    (*consumer)->Start();
    return std::move(*consumer);
  };
  ASSERT_TRUE((*producer)->Publish({{kTopic, "k", "0"}, {kTopic, "k", "1"}, {kTopic, "k", "2"}})[2].ok());
  {
    Collector first;
    auto consumer = start(first);
    ASSERT_NE(consumer, nullptr);
    ASSERT_TRUE(WaitFor([&] { return first.Handled() == 3; }));
  }  // leaves the group at position 3

  constexpr int kLater = 80;  // 8 MB: the broker drops the oldest
  std::vector<Record> later;
  for (int i = 0; i < kLater; ++i)
    later.push_back({kTopic, "k", std::string(100'000, static_cast<char>('a' + i % 26))});
  for (const absl::Status& s : (*producer)->Publish(later)) ASSERT_TRUE(s.ok()) << s;

  auto lost = [&] { return metrics.lost_events.Add({{"topic", kTopic}}).Value(); };
  Collector second;
  auto consumer = start(second);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(WaitFor([&] { return lost() > 0 && second.Handled() + lost() == kLater; }))
      << "handled " << second.Handled() << ", counted lost " << lost();
  EXPECT_EQ(metrics.offset_resets.Add({{"topic", kTopic}, {"reason", "behind_retention"}}).Value(), 1);
}

TEST(KafkaProperties, ParsesPairsAndRejectsOthers) {
  auto parsed = ParseKafkaProperties("security.protocol=SASL_SSL, sasl.mechanism = SCRAM-SHA-512");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("sasl.mechanism"), "SCRAM-SHA-512");
  EXPECT_EQ(ParseKafkaProperties("novalue").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KafkaProducerCreate, RejectsUnknownProperty) {
  auto producer = KafkaProducer::Create({"127.0.0.1:1", {{"no.such.property", "1"}}});
  EXPECT_EQ(producer.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KafkaConsumerCreate, ABatchLimitBelowTheSessionTimeoutIsRaisedToIt) {
  // librdkafka refuses max.poll.interval.ms below session.timeout.ms: the control, set by hand.
  ConsumerOptions options{.kafka = {"127.0.0.1:1"}, .group_id = "g", .topics = {"t"}};
  options.session_timeout = absl::Seconds(90);
  options.kafka.properties = {{"max.poll.interval.ms", "60000"}};
  EXPECT_EQ(KafkaConsumer::Create(options, nullptr, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  // The option itself (a minute) is raised to the session timeout.
  options.kafka.properties.clear();
  options.max_poll_interval = absl::Minutes(1);
  auto consumer = KafkaConsumer::Create(options, nullptr, nullptr);
  EXPECT_TRUE(consumer.ok()) << consumer.status();
}

TEST(MockClusterStart, RejectsNonsense) { EXPECT_FALSE(MockCluster::Start({.brokers = 0}).ok()); }

}  // namespace
}  // namespace himaya::events
