#include "events/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/random.h"
#include "events/topics.h"

namespace himaya::events {

absl::StatusOr<std::unique_ptr<MockCluster>> MockCluster::Start(const MockClusterOptions& options) {
  if (options.brokers < 1) return absl::InvalidArgumentError("broker: at least one broker");
  if (options.partitions < 1) return absl::InvalidArgumentError("broker: at least one partition");
  std::unique_ptr<MockCluster> cluster(new MockCluster());
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The mock cluster hangs off a client handle; this one is never used to produce.
  if (rd_kafka_conf_set(conf, "test.mock.num.brokers", std::to_string(options.brokers).c_str(), error, sizeof(error)) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("broker: ", error));
  }
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error));
  cluster->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (cluster->handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("broker: ", error));
  }
  rd_kafka_mock_cluster_t* mock = rd_kafka_handle_mock_cluster(cluster->handle_);
  if (mock == nullptr) return absl::InternalError("broker: librdkafka started no mock cluster");
  cluster->bootstrap_ = rd_kafka_mock_cluster_bootstraps(mock);
  const int replication = options.brokers >= 3 ? 3 : options.brokers;
  core::SystemRandom random;
  cluster->instance_id_ = core::NewUuid(random);
  std::vector<std::string> topics = options.topics;
  topics.push_back(absl::StrCat(kBrokerInstanceTopicPrefix, cluster->instance_id_));
  for (const std::string& topic : topics) {
    const bool marker = absl::StartsWith(topic, kBrokerInstanceTopicPrefix);
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(mock, topic.c_str(), marker ? 1 : options.partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("broker: cannot create ", topic, ": ", rd_kafka_err2str(err)));
    }
  }
  return cluster;
}

MockCluster::~MockCluster() {
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

}  // namespace himaya::events
