// Kafka through librdkafka: an idempotent producer (acks=all) and a consumer group member that
// stores an offset only after its handler has committed, implementing events/producer.h and
// events/consumer.h. The same code talks to the embedded broker in tests and to any Kafka
// cluster in production.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "events/consumer.h"
#include "events/producer.h"
#include "metrics/metrics.h"

namespace RdKafka {
class KafkaConsumer;
class Message;
class Producer;
}  // namespace RdKafka

namespace himaya::events {

struct KafkaOptions {
  std::string bootstrap_servers;
  // Further librdkafka properties (security.protocol, sasl.*, ...), applied last.
  std::map<std::string, std::string> properties;
};

// Parses "k1=v1,k2=v2" into librdkafka properties. INVALID_ARGUMENT on a part without '='.
absl::StatusOr<std::map<std::string, std::string>> ParseKafkaProperties(absl::string_view text);

// Messages ever appended to `topic` (the sum of its partitions' high watermarks), asked of the
// cluster. UNAVAILABLE when it cannot be reached in `timeout`.
absl::StatusOr<int64_t> CountTopicMessages(const KafkaOptions& options, const std::string& topic,
                                           absl::Duration timeout = absl::Seconds(10));

class KafkaProducer final : public Producer {
 public:
  // INVALID_ARGUMENT when a property is rejected by librdkafka.
  static absl::StatusOr<std::unique_ptr<KafkaProducer>> Create(const KafkaOptions& options);
  ~KafkaProducer() override;
  std::vector<absl::Status> Publish(absl::Span<const Record> records) override;
  // The cluster id, and the embedded broker's instance (see kBrokerInstanceTopicPrefix) when
  // the cluster names one: the embedded broker's cluster id alone is not unique per start.
  absl::StatusOr<std::string> ClusterIdentity() override;

 private:
  KafkaProducer() = default;
  class DeliveryReport;
  std::unique_ptr<DeliveryReport> delivery_report_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

struct ConsumerOptions {
  KafkaOptions kafka;
  std::string group_id;
  std::vector<std::string> topics;
  // How soon the group notices a member that died (a crash) and hands its partitions on.
  absl::Duration session_timeout = absl::Seconds(6);
  // The longest a batch may take to apply before this member is taken out of the group (it joins
  // again when the batch ends; the inbox skips what was applied). It also bounds how long a
  // request to join the group is awaited: a join the coordinator never answers (seen with the
  // embedded broker after it was paused) is sent again after this long, not after Kafka's 5 min.
  // At least session_timeout.
  absl::Duration max_poll_interval = absl::Minutes(1);
  // Messages handed over together when they are already waiting (one transaction for all: the
  // more, the fewer commits when a backlog is drained).
  int max_batch = 2000;
};

// A consumer group member, through librdkafka.
class KafkaConsumer final : public Consumer {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaConsumer>> Create(const ConsumerOptions& options, MessageHandler* handler,
                                                               metrics::ConsumerMetrics* metrics);
  // Stops and leaves the group, committing the offsets stored so far.
  ~KafkaConsumer() override;
  void Start() override;
  void Stop() override;

 private:
  KafkaConsumer() = default;
  void Run();
  // The message as handlers get it (its offset checked against the one expected).
  ConsumedMessage Consumed(const RdKafka::Message& msg);
  // Pauses or resumes fetching on every partition assigned.
  void SetAssignmentPaused(bool paused);
  // Waits `how_long` before a batch is retried, polling all the while: a member that stops
  // polling for max.poll.interval.ms is taken out of its group, its partitions handed to another
  // (a database outage would make every member leave and join each minute). The partitions are
  // paused meanwhile (retrying_; the rebalance callback pauses those assigned meanwhile): nothing
  // is fetched, librdkafka drops what it had fetched ahead and, resumed, fetches from after the
  // last message consumed. A message consumed all the same joins the end of `batch`, after its
  // partition's.
  void WaitPaused(absl::Duration how_long, std::vector<ConsumedMessage>& batch);
  void UpdateLag();
  // Compares a message's offset with the one expected on its partition: a jump forward is what
  // the broker dropped before it was read (counted, logged as lost), a jump back a log that is
  // shorter than the group's position (a new or truncated one).
  void CheckContinuity(const std::string& topic, int32_t partition, int64_t offset);
  class Rebalance;
  ConsumerOptions options_;
  MessageHandler* handler_ = nullptr;
  metrics::ConsumerMetrics* metrics_ = nullptr;
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  // Per partition, the offset the next message should have (touched on the consumer thread).
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets_;
  std::atomic<bool> stop_{false};
  // A batch is being retried: its partitions are paused. Read and written on Run's thread only
  // (the rebalance callback runs inside consume()).
  bool retrying_ = false;
  std::thread thread_;
};

}  // namespace himaya::events
