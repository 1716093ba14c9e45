// What publishing events needs of a broker: records out, a status for each, and the cluster's
// identity. The outbox relay takes this interface; KafkaProducer (events/kafka.h) implements it
// with librdkafka and testing::FakeProducer (testing/fake_producer.h) stands in for it in tests.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace himaya::events {

struct Record {
  std::string topic;
  std::string key;
  std::string value;
};

// Publishes records.
class Producer {
 public:
  virtual ~Producer() = default;
  // Publishes every record and waits until the broker acknowledged each (acks=all) or its
  // delivery failed. Returns one status per record, in order: OK when acknowledged;
  // INVALID_ARGUMENT when the record can never be taken (too large, malformed), so retrying is
  // pointless; another error (UNAVAILABLE) when a later attempt may succeed.
  virtual std::vector<absl::Status> Publish(absl::Span<const Record> records) = 0;
  // A name of the cluster that changes when the cluster is a new one, which no longer holds
  // what was published before (the embedded broker after a restart, a rebuilt cluster).
  // UNAVAILABLE when the cluster cannot be asked.
  virtual absl::StatusOr<std::string> ClusterIdentity() = 0;
};

}  // namespace himaya::events
