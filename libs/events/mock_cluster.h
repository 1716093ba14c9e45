// The embedded broker: librdkafka's built-in mock cluster, serving the real Kafka protocol on
// loopback, so that the services' ordinary client code runs against it unchanged.
//
// Its limits are part of the design: memory only (everything is lost when it stops), and each
// partition keeps at most 5 MiB or 100,000 message sets, dropping older data beyond that. Give
// local topics enough partitions and keep consumers caught up.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace himaya::events {

struct MockClusterOptions {
  int brokers = 1;
  // Topics created at start, each with this many partitions. Other topics are created on
  // first use with librdkafka's default partition count.
  std::vector<std::string> topics;
  int partitions = 8;
};

class MockCluster {
 public:
  // Starts the brokers on ephemeral loopback ports. INTERNAL when librdkafka refuses.
  static absl::StatusOr<std::unique_ptr<MockCluster>> Start(const MockClusterOptions& options);
  ~MockCluster();
  // "127.0.0.1:PORT,..." for bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  // Random at each start, and named by an empty topic (kBrokerInstanceTopicPrefix + id), so
  // that clients can tell this broker from an earlier one that held other data.
  const std::string& instance_id() const { return instance_id_; }

 private:
  MockCluster() = default;
  rd_kafka_t* handle_ = nullptr;
  std::string bootstrap_;
  std::string instance_id_;
};

}  // namespace himaya::events
