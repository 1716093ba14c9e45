#include "events/kafka.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "core/log.h"
#include "events/topics.h"

namespace himaya::events {
namespace {

absl::Status SetAll(RdKafka::Conf& conf, const std::map<std::string, std::string>& properties) {
  std::string error;
  for (const auto& [key, value] : properties) {
    if (conf.set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka: ", key, ": ", error));
    }
  }
  return absl::OkStatus();
}

// Errors a record gets however often it is sent again.
bool IsPermanent(RdKafka::ErrorCode code) {
  switch (code) {
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG:
    case RdKafka::ERR_INVALID_MSG_SIZE:
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:
    case RdKafka::ERR_INVALID_RECORD:
      return true;
    default:
      return false;
  }
}

absl::Status KafkaError(RdKafka::ErrorCode code, absl::string_view what) {
  std::string message = absl::StrCat("kafka: ", what, ": ", RdKafka::err2str(code));
  return IsPermanent(code) ? absl::InvalidArgumentError(message) : absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseKafkaProperties(absl::string_view text) {
  std::map<std::string, std::string> properties;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (part.find('=') == absl::string_view::npos || absl::StripAsciiWhitespace(kv.first).empty()) {
      return absl::InvalidArgumentError(absl::StrCat("kafka properties: '", part, "' is not key=value"));
    }
    properties[std::string(absl::StripAsciiWhitespace(kv.first))] = std::string(absl::StripAsciiWhitespace(kv.second));
  }
  return properties;
}

namespace {
// Where the delivery report of one produced message lands.
struct DeliverySlot {
  absl::Status status;
  bool done = false;
};
}  // namespace

// Routes each delivery report to the slot the message was produced with.
class KafkaProducer::DeliveryReport final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* slot = static_cast<DeliverySlot*>(message.msg_opaque());
    if (slot == nullptr) return;
    slot->status = message.err() == RdKafka::ERR_NO_ERROR
                       ? absl::OkStatus()
                       : KafkaError(message.err(), absl::StrCat("delivery to ", message.topic_name()));
    slot->done = true;
  }
};

absl::StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(const KafkaOptions& options) {
  std::unique_ptr<KafkaProducer> producer(new KafkaProducer());
  producer->delivery_report_ = std::make_unique<DeliveryReport>();
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  if (absl::Status s = SetAll(*conf, {{"bootstrap.servers", options.bootstrap_servers},
                                      {"enable.idempotence", "true"},
                                      {"acks", "all"},
                                      {"linger.ms", "5"},
                                      {"message.timeout.ms", "30000"}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = SetAll(*conf, options.properties); !s.ok()) return s;
  conf->set("dr_cb", producer->delivery_report_.get(), error);
  producer->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (producer->producer_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka: cannot create producer: ", error));
  }
  return producer;
}

KafkaProducer::~KafkaProducer() {
  if (producer_) producer_->flush(10000);
}

std::vector<absl::Status> KafkaProducer::Publish(absl::Span<const Record> records) {
  std::vector<DeliverySlot> slots(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    while (true) {
      RdKafka::ErrorCode err =
          producer_->produce(r.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(r.value.data()), r.value.size(), r.key.data(), r.key.size(),
                             /*timestamp=*/0, /*opaque=*/&slots[i]);
      if (err == RdKafka::ERR__QUEUE_FULL) {
        producer_->poll(50);
        continue;
      }
      if (err != RdKafka::ERR_NO_ERROR) {
        slots[i].status = KafkaError(err, absl::StrCat("produce to ", r.topic));
        slots[i].done = true;
      }
      break;
    }
  }
  // Every produced message gets its report within message.timeout.ms, and the slots must
  // outlive the reports: wait for all of them.
  auto pending = [&] {
    for (const DeliverySlot& slot : slots) {
      if (!slot.done) return true;
    }
    return false;
  };
  while (pending()) producer_->poll(20);
  std::vector<absl::Status> statuses;
  statuses.reserve(slots.size());
  for (DeliverySlot& slot : slots) statuses.push_back(std::move(slot.status));
  return statuses;
}

absl::StatusOr<std::string> KafkaProducer::ClusterIdentity() {
  constexpr int kTimeoutMs = 5000;
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode err = producer_->metadata(/*all_topics=*/true, nullptr, &raw, kTimeoutMs);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "metadata");
  std::string identity = producer_->clusterid(kTimeoutMs);
  if (identity.empty()) return absl::UnavailableError("kafka: the cluster did not tell its id");
  for (const RdKafka::TopicMetadata* topic : *metadata->topics()) {
    if (absl::StartsWith(topic->topic(), kBrokerInstanceTopicPrefix)) {
      absl::StrAppend(&identity, "/", topic->topic().substr(kBrokerInstanceTopicPrefix.size()));
    }
  }
  return identity;
}

absl::StatusOr<int64_t> CountTopicMessages(const KafkaOptions& options, const std::string& topic,
                                           absl::Duration timeout) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  if (absl::Status s = SetAll(*conf, {{"bootstrap.servers", options.bootstrap_servers}}); !s.ok()) return s;
  if (absl::Status s = SetAll(*conf, options.properties); !s.ok()) return s;
  std::string error;
  std::unique_ptr<RdKafka::Producer> handle(RdKafka::Producer::create(conf.get(), error));
  if (handle == nullptr) return absl::InvalidArgumentError(absl::StrCat("kafka: ", error));
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(handle.get(), topic, nullptr, error));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode err = handle->metadata(false, t.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "metadata");
  int64_t total = 0;
  for (const RdKafka::TopicMetadata* tm : *metadata->topics()) {
    if (tm->topic() != topic) continue;
    for (const RdKafka::PartitionMetadata* pm : *tm->partitions()) {
      int64_t low = 0, high = 0;
      err = handle->query_watermark_offsets(topic, pm->id(), &low, &high, timeout_ms);
      if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "watermarks");
      total += high;
    }
  }
  return total;
}

// Takes the partitions the group hands over (or back). The next message of a newly assigned
// partition is checked (CheckContinuity) against the group's committed position, or, when the
// group has none, against the log's first offset: what the broker dropped before this group
// read it is lost to it, whether it had committed something or not.
class KafkaConsumer::Rebalance final : public RdKafka::RebalanceCb {
 public:
  explicit Rebalance(KafkaConsumer* owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    for (const RdKafka::TopicPartition* tp : partitions) owner_->next_offsets_.erase({tp->topic(), tp->partition()});
    if (owner_->metrics_ != nullptr) {
      const char* change = err == RdKafka::ERR__ASSIGN_PARTITIONS ? "assigned" : "revoked";
      owner_->metrics_->rebalances.Add({{"change", change}}).Increment(static_cast<double>(partitions.size()));
    }
    if (err != RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        delete consumer->incremental_unassign(partitions);
      } else {
        consumer->unassign();
      }
      return;
    }
    if (consumer->committed(partitions, /*timeout_ms=*/5000) == RdKafka::ERR_NO_ERROR) {
      for (RdKafka::TopicPartition* tp : partitions) {
        owner_->next_offsets_[{tp->topic(), tp->partition()}] = std::max<int64_t>(0, tp->offset());
      }
    }
    // Start where the group stands (auto.offset.reset when it has no position, or a position
    // the broker no longer holds).
    for (RdKafka::TopicPartition* tp : partitions) tp->set_offset(RdKafka::Topic::OFFSET_INVALID);
    if (cooperative) {
      delete consumer->incremental_assign(partitions);
    } else {
      consumer->assign(partitions);
    }
    // librdkafka keeps a partition's pause through its revocation and a later assignment: set it
    // anew, paused while a batch is retried, fetched otherwise.
    if (owner_->retrying_) {
      consumer->pause(partitions);
    } else {
      consumer->resume(partitions);
    }
  }

 private:
  KafkaConsumer* owner_;
};

absl::StatusOr<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(const ConsumerOptions& options,
                                                                     MessageHandler* handler,
                                                                     metrics::ConsumerMetrics* metrics) {
  std::unique_ptr<KafkaConsumer> consumer(new KafkaConsumer());
  consumer->options_ = options;
  consumer->handler_ = handler;
  consumer->metrics_ = metrics;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  const int64_t session_ms = absl::ToInt64Milliseconds(options.session_timeout);
  if (absl::Status s =
          SetAll(*conf, {{"bootstrap.servers", options.kafka.bootstrap_servers},
                         {"group.id", options.group_id},
                         {"enable.auto.commit", "true"},
                         {"auto.commit.interval.ms", "1000"},
                         // Offsets are stored by hand, after the handler commits.
                         {"enable.auto.offset.store", "false"},
                         // A position the broker no longer holds resumes at the
                         // earliest kept message; Run counts the gap as lost.
                         {"auto.offset.reset", "earliest"},
                         // A fetch that finds nothing returns after this long;
                         // bounds event latency on brokers without long polling.
                         {"fetch.wait.max.ms", "100"},
                         {"session.timeout.ms", absl::StrCat(session_ms)},
                         // librdkafka wants it at least the session timeout.
                         {"max.poll.interval.ms",
                          absl::StrCat(std::max(session_ms, absl::ToInt64Milliseconds(options.max_poll_interval)))},
                         {"heartbeat.interval.ms", absl::StrCat(session_ms / 3)}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = SetAll(*conf, options.kafka.properties); !s.ok()) return s;
  std::string error;
  consumer->rebalance_ = std::make_unique<Rebalance>(consumer.get());
  conf->set("rebalance_cb", consumer->rebalance_.get(), error);
  consumer->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer->consumer_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka: cannot create consumer: ", error));
  }
  RdKafka::ErrorCode err = consumer->consumer_->subscribe(options.topics);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "subscribe");
  // Each topic's loss counter shows from the start, at 0, so that a loss is a change of a series.
  if (metrics != nullptr) {
    for (const std::string& topic : options.topics) metrics->lost_events.Add({{"topic", topic}});
  }
  return consumer;
}

KafkaConsumer::~KafkaConsumer() {
  Stop();
  if (consumer_) consumer_->close();
}

void KafkaConsumer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void KafkaConsumer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void KafkaConsumer::Run() {
  absl::Time next_lag_update = absl::Now();
  std::vector<ConsumedMessage> batch;
  while (!stop_) {
    if (metrics_ != nullptr && absl::Now() >= next_lag_update) {
      UpdateLag();
      next_lag_update = absl::Now() + absl::Seconds(2);
    }
    // Wait for one message, then take what is already waiting, up to max_batch.
    batch.clear();
    int timeout_ms = 100;
    while (static_cast<int>(batch.size()) < std::max(1, options_.max_batch)) {
      std::unique_ptr<RdKafka::Message> msg(consumer_->consume(timeout_ms));
      if (msg->err() == RdKafka::ERR__TIMED_OUT || msg->err() == RdKafka::ERR__PARTITION_EOF) break;
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        log::Warn("kafka consumer error", {{"error", RdKafka::err2str(msg->err())}});
        break;
      }
      batch.push_back(Consumed(*msg));
      timeout_ms = 0;
    }
    if (batch.empty()) continue;
    absl::Duration backoff = absl::Milliseconds(100);
    while (!stop_ && !batch.empty()) {
      absl::Status status;
      const size_t done = std::min(handler_->HandleBatch(batch, &status), batch.size());
      if (done > 0) {
        // The next offset of each partition the handled messages touched.
        std::map<std::pair<std::string, int32_t>, int64_t> next;
        for (size_t i = 0; i < done; ++i) {
          int64_t& n = next[{batch[i].topic, batch[i].partition}];
          n = std::max(n, batch[i].offset + 1);
        }
        std::vector<RdKafka::TopicPartition*> offsets;
        for (const auto& [tp, offset] : next) {
          offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
        }
        if (RdKafka::ErrorCode err = consumer_->offsets_store(offsets); err != RdKafka::ERR_NO_ERROR) {
          // The partitions went to another member meanwhile (a rebalance, or this member out of
          // its group after a batch longer than max.poll.interval.ms): whoever reads them next
          // reads these events again, and its inbox skips them.
          log::Warn("kafka: offsets of applied events not stored; they will be read again and skipped",
                    {{"error", RdKafka::err2str(err)}});
        }
        RdKafka::TopicPartition::destroy(offsets);
        batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done));
      }
      if (batch.empty()) break;
      if (metrics_ != nullptr) {
        metrics_->events.Add({{"topic", batch.front().topic}, {"outcome", "retried"}}).Increment();
      }
      log::Warn("event handling failed; will retry", {{"topic", batch.front().topic},
                                                      {"partition", batch.front().partition},
                                                      {"offset", batch.front().offset},
                                                      {"error", status}});
      if (!retrying_) {
        retrying_ = true;
        SetAssignmentPaused(true);
      }
      WaitPaused(backoff, batch);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
    if (retrying_) {
      retrying_ = false;
      SetAssignmentPaused(false);
    }
  }
}

ConsumedMessage KafkaConsumer::Consumed(const RdKafka::Message& msg) {
  ConsumedMessage message;
  message.topic = msg.topic_name();
  message.partition = msg.partition();
  message.offset = msg.offset();
  CheckContinuity(message.topic, message.partition, message.offset);
  if (msg.key() != nullptr) message.key = *msg.key();
  message.value.assign(static_cast<const char*>(msg.payload()), msg.len());
  return message;
}

void KafkaConsumer::SetAssignmentPaused(bool paused) {
  std::vector<RdKafka::TopicPartition*> assigned;
  if (consumer_->assignment(assigned) == RdKafka::ERR_NO_ERROR && !assigned.empty()) {
    if (paused) {
      consumer_->pause(assigned);
    } else {
      consumer_->resume(assigned);
    }
  }
  RdKafka::TopicPartition::destroy(assigned);
}

void KafkaConsumer::WaitPaused(absl::Duration how_long, std::vector<ConsumedMessage>& batch) {
  const absl::Time until = absl::Now() + how_long;
  while (!stop_) {
    const absl::Duration left = until - absl::Now();
    if (left <= absl::ZeroDuration()) return;
    std::unique_ptr<RdKafka::Message> msg(
        consumer_->consume(static_cast<int>(std::min<int64_t>(100, absl::ToInt64Milliseconds(left) + 1))));
    if (msg->err() == RdKafka::ERR_NO_ERROR) batch.push_back(Consumed(*msg));
  }
}

void KafkaConsumer::CheckContinuity(const std::string& topic, int32_t partition, int64_t offset) {
  // A partition whose start was not known at assignment starts where its first message is.
  auto it = next_offsets_.try_emplace({topic, partition}, offset).first;
  const int64_t expected = it->second;
  it->second = offset + 1;
  if (offset == expected) return;
  // The suite's topics are neither compacted nor transactional: their offsets have no holes,
  // so a jump is what the broker dropped before it was read.
  const std::string reason = offset > expected ? "behind_retention" : "past_end";
  if (offset > expected) {
    log::Error(
        "kafka consumer: events lost: the broker dropped them before they were read",
        {{"topic", topic}, {"partition", partition}, {"from", expected}, {"to", offset}, {"lost", offset - expected}});
    if (metrics_ != nullptr) {
      metrics_->lost_events.Add({{"topic", topic}}).Increment(static_cast<double>(offset - expected));
    }
  } else {
    log::Error(
        "kafka consumer: the group's position is past the partition's end (a new or truncated log); "
        "reading it again from the start",
        {{"topic", topic}, {"partition", partition}, {"position", expected}, {"restart", offset}});
  }
  if (metrics_ != nullptr) metrics_->offset_resets.Add({{"topic", topic}, {"reason", reason}}).Increment();
}

void KafkaConsumer::UpdateLag() {
  std::vector<RdKafka::TopicPartition*> partitions;
  if (consumer_->assignment(partitions) != RdKafka::ERR_NO_ERROR) return;
  consumer_->position(partitions);
  for (RdKafka::TopicPartition* tp : partitions) {
    int64_t low = 0, high = 0;
    if (consumer_->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) == RdKafka::ERR_NO_ERROR &&
        high >= 0) {
      int64_t position = tp->offset() >= 0 ? tp->offset() : low;
      metrics_->lag.Add({{"topic", tp->topic()}, {"partition", absl::StrCat(tp->partition())}})
          .Set(static_cast<double>(std::max<int64_t>(0, high - position)));
    }
  }
  RdKafka::TopicPartition::destroy(partitions);
}

}  // namespace himaya::events
