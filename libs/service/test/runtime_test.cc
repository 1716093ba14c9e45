// The service runtime with real parts: SQLite, the embedded Kafka broker, a gRPC server and the
// /metrics endpoint on free ports. What it wires (the relay publishes, consumers apply through
// the inbox) and the order it stops in: the server reports NOT_SERVING and takes no new call,
// calls in flight finish, stop hooks run (in reverse order, with the database open and calls no
// longer taken), and what they committed is still published.
#include "service/runtime.h"

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "core/json_file.h"
#include "events/mock_cluster.h"
#include "gmock/gmock.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "himaya/events/v1/outbox_admin.grpc.pb.h"
#include "metrics/scrape.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/http.h"
#include "testing/temp_dir.h"

ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_DECLARE_FLAG(std::string, kafka_bootstrap);
ABSL_DECLARE_FLAG(bool, insecure_plaintext);
ABSL_DECLARE_FLAG(int, consumer_batch);
ABSL_DECLARE_FLAG(int, handler_threads);

namespace himaya::service {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr const char* kTopic = "himaya.test.probe.v1";
constexpr absl::Duration kDeadline = absl::Seconds(30);

// Calls of `method` (its full name) answered OK, as the runtime's RPC metrics counted them.
double AnsweredOk(prometheus::Registry& registry, const std::string& method) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "himaya_rpc_requests_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["method"] == method && labels["code"] == "OK") sum += metric.counter.value;
    }
  }
  return sum;
}

// Counts the events it is given.
class CountingApplier final : public events::EventApplier {
 public:
  absl::Status Apply(storage::Transaction&, const events::Envelope&) override {
    ++applied;
    return absl::OkStatus();
  }
  std::atomic<int> applied{0};
};

// Refuses every event for good: each ends in dead_letters.
class RefusingApplier final : public events::EventApplier {
 public:
  absl::Status Apply(storage::Transaction&, const events::Envelope&) override {
    return absl::InvalidArgumentError("not for this consumer");
  }
};

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = events::MockCluster::Start({.topics = {kTopic}, .partitions = 1});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
  }
  ServiceConfig Config() const {
    ServiceConfig config;
    config.name = "probe";
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "127.0.0.1:0";
    config.database_url = absl::StrCat("sqlite:", dir_.path(), "/probe.db");
    config.kafka.bootstrap_servers = cluster_->bootstrap_servers();
    config.address_file = absl::StrCat(dir_.path(), "/probe.json");
    config.handler_threads = 1;
    config.database_pool = 2;
    return config;
  }
  // The address written to the address file once serving.
  std::string Served(const std::string& what) const {
    auto addresses = core::ReadJsonFile(absl::StrCat(dir_.path(), "/probe.json"));
    EXPECT_TRUE(addresses.ok()) << addresses.status();
    return addresses.ok() ? (*addresses)[what].get<std::string>() : "";
  }
  // Appends one event for kTopic in a transaction of its own.
  static absl::Status AppendEvent(ServiceRuntime& runtime) {
    google::protobuf::Timestamp payload;
    payload.set_seconds(1);
    events::Envelope envelope = events::NewEnvelope(runtime.event_source(), payload, "amo-tns", "k");
    return runtime.db().Write(
        [&](storage::Transaction& tx) { return events::AppendToOutbox(tx, kTopic, envelope, runtime.clock()); });
  }
  int64_t PublishedToTheBroker() const {
    return events::CountTopicMessages({cluster_->bootstrap_servers()}, kTopic).value_or(-1);
  }

  testing::TempDir dir_;
  std::unique_ptr<events::MockCluster> cluster_;
};

TEST_F(RuntimeTest, ServesHealthMetricsAndTheOutboxAdminOnFreePorts) {
  auto runtime = ServiceRuntime::Create(Config(), {});
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  ASSERT_TRUE((*runtime)->Serve({}, {}).ok());
  const std::string grpc = Served("grpc");
  EXPECT_EQ(rpc::CheckHealth(grpc).value_or(false), true);
  EXPECT_EQ(rpc::CheckHealth(grpc, events::v1::OutboxAdmin::service_full_name()).value_or(false), true);

  auto stub = events::v1::OutboxAdmin::NewStub(rpc::NewChannel(grpc));
  events::v1::GetOutboxRequest request;
  events::v1::OutboxStatus status;
  ASSERT_TRUE(stub->GetOutbox(rpc::NewContext().get(), request, &status).ok());
  EXPECT_EQ(status.service(), "probe");
  EXPECT_EQ(status.pending(), 0);

  absl::StatusOr<testing::HttpResponse> metrics = testing::HttpGet(Served("metrics"), "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(metrics->body, ::testing::HasSubstr("himaya_outbox_depth"));
  EXPECT_THAT(metrics->body, ::testing::HasSubstr("himaya_rpc_requests_total{code=\"OK\""));
}

TEST_F(RuntimeTest, CommittedEventsArePublishedAndConsumedThroughTheInbox) {
  CountingApplier applier;
  auto runtime = ServiceRuntime::Create(Config(), {});
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  ASSERT_TRUE((*runtime)->AddConsumer("probe-reader", {kTopic}, applier).ok());
  ASSERT_TRUE((*runtime)->Serve({}, {}).ok());
  ASSERT_TRUE(AppendEvent(**runtime).ok());
  (*runtime)->relay().Wake();
  EXPECT_TRUE(stack::WaitUntil([&] { return applier.applied == 1; }, kDeadline, "the event applied").ok())
      << "applied " << applier.applied;
  EXPECT_EQ(PublishedToTheBroker(), 1);
}

TEST_F(RuntimeTest, FiguresAreCountedOnceServingAndDeadLettersAreAmongThem) {
  RefusingApplier applier;
  std::atomic<int> passes{0};  // outlives the runtime, whose pass counts it
  ServiceConfig config = Config();
  config.figures_interval = absl::Seconds(1);
  auto runtime = ServiceRuntime::Create(config, {});
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  ASSERT_TRUE((*runtime)->AddConsumer("probe-reader", {kTopic}, applier).ok());
  (*runtime)->AddFigures("probe", [&](const metrics::FiguresPass::Stopping&) {
    ++passes;
    return absl::OkStatus();
  });
  EXPECT_EQ(passes, 0) << "not before serving";
  ASSERT_TRUE((*runtime)->Serve({}, {}).ok());
  const std::string metrics = Served("metrics");
  EXPECT_TRUE(
      stack::WaitUntil(
          [&] {
            return metrics::MetricSum(metrics, "himaya_figures_pass_timestamp_seconds", {{"figures", "events"}}) > 0;
          },
          kDeadline, "the first pass")
          .ok());
  EXPECT_NE(
      testing::HttpGet(metrics, "/metrics")
          ->body.find(absl::StrCat("himaya_consumer_dead_letters{consumer=\"probe-reader\",topic=\"", kTopic, "\"} 0")),
      std::string::npos)
      << "a topic consumed shows 0 before anything is kept";
  ASSERT_TRUE(AppendEvent(**runtime).ok());
  (*runtime)->relay().Wake();
  EXPECT_TRUE(stack::WaitUntil(
                  [&] {
                    return metrics::MetricSum(metrics, "himaya_consumer_dead_letters",
                                              {{"consumer", "probe-reader"}, {"topic", kTopic}}) == 1;
                  },
                  kDeadline, "the dead letter counted")
                  .ok());
  EXPECT_TRUE(stack::WaitUntil([&] { return passes >= 2; }, kDeadline, "the service's figures counted again").ok());
  EXPECT_GT(metrics::MetricSum(metrics, "himaya_figures_pass_timestamp_seconds", {{"figures", "probe"}}), 0);
}

TEST_F(RuntimeTest, StopsTakingCallsThenDrainsThemThenRunsHooksThenPublishesWhatTheyCommitted) {
  auto created = ServiceRuntime::Create(Config(), {});
  ASSERT_TRUE(created.ok()) << created.status();
  std::unique_ptr<ServiceRuntime> runtime = std::move(*created);
  ServiceRuntime& r = *runtime;

  absl::Mutex mu;
  std::vector<std::string> seen;  // what each stop hook found, in the order they ran
  auto note = [&](std::string what) {
    absl::MutexLock lock(&mu);
    seen.push_back(std::move(what));
  };
  r.OnStop([&] { note("first hook"); });
  r.OnStop([&] {
    note("second hook");
    // The call in flight when stopping began has finished, and answered OK.
    note(absl::StrCat("calls answered: ", AnsweredOk(r.registry(), "/himaya.events.v1.OutboxAdmin/GetOutbox")));
    // No new call is taken.
    note(absl::StrCat("health answers: ", rpc::CheckHealth(Served("grpc"), "", absl::Milliseconds(500)).ok()));
    // The database is open, and what is committed now is still published.
    note(absl::StrCat("append: ", AppendEvent(r).ok()));
  });
  ASSERT_TRUE(r.Serve({}, {}).ok());
  const std::string grpc = Served("grpc");

  // A health watch, open before stopping, sees the server go NOT_SERVING.
  auto health = grpc::health::v1::Health::NewStub(rpc::NewChannel(grpc));
  auto watch_context = rpc::NewContext(kDeadline);
  HealthCheckRequest watch_request;
  auto watch = health->Watch(watch_context.get(), watch_request);
  HealthCheckResponse watched;
  ASSERT_TRUE(watch->Read(&watched));
  EXPECT_EQ(watched.status(), HealthCheckResponse::SERVING);

  // The only handler thread is busy: the next call waits in the queue, in flight.
  absl::Notification busy, release;
  r.handler_pool().Schedule([&] {
    busy.Notify();
    release.WaitForNotification();
  });
  ASSERT_TRUE(busy.WaitForNotificationWithTimeout(kDeadline));
  grpc::Status in_flight;
  std::thread caller([&] {
    auto stub = events::v1::OutboxAdmin::NewStub(rpc::NewChannel(grpc));
    events::v1::GetOutboxRequest request;
    events::v1::OutboxStatus status;
    in_flight = stub->GetOutbox(rpc::NewContext(kDeadline).get(), request, &status);
  });
  ASSERT_TRUE(stack::WaitUntil([&] { return r.handler_pool().queued() == 1; }, kDeadline, "a queued call").ok());

  std::thread stopper([&] { runtime.reset(); });
  ASSERT_TRUE(watch->Read(&watched));
  EXPECT_EQ(watched.status(), HealthCheckResponse::NOT_SERVING);
  watch_context->TryCancel();  // a watch is a call in flight too: it would hold the drain
  {
    absl::MutexLock lock(&mu);
    EXPECT_TRUE(seen.empty()) << "a hook ran while a call was in flight";
  }
  release.Notify();
  caller.join();
  stopper.join();

  EXPECT_TRUE(in_flight.ok()) << "the call in flight was not drained: " << in_flight.error_message();
  EXPECT_THAT(
      seen, ::testing::ElementsAre("second hook", "calls answered: 1", "health answers: 0", "append: 1", "first hook"));
  EXPECT_EQ(PublishedToTheBroker(), 1) << "what a hook committed was not published before the end";
}

TEST_F(RuntimeTest, ABadDatabaseOrABusyMetricsAddressFailsCreation) {
  ServiceConfig config = Config();
  config.database_url = "nowhere:probe";
  EXPECT_FALSE(ServiceRuntime::Create(config, {}).ok());

  auto first = ServiceRuntime::Create(Config(), {});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->Serve({}, {}).ok());
  config = Config();
  config.database_url = absl::StrCat("sqlite:", dir_.path(), "/other.db");
  config.address_file.clear();
  config.metrics_address = Served("metrics");
  EXPECT_EQ(ServiceRuntime::Create(config, {}).status().code(), absl::StatusCode::kUnavailable);
}

TEST(ServiceConfigTest, AConsumerBatchOrHandlerThreadsOutOfRangeIsRefusedNamingTheFlag) {
  absl::FlagSaver saved;
  testing::TempDir dir;
  absl::SetFlag(&FLAGS_data_dir, dir.path());
  absl::SetFlag(&FLAGS_kafka_bootstrap, "127.0.0.1:9092");
  absl::SetFlag(&FLAGS_insecure_plaintext, true);
  absl::SetFlag(&FLAGS_consumer_batch, 10);
  absl::StatusOr<ServiceConfig> config = ServiceConfig::FromFlags("probe");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->consumer_batch, 10);

  for (int batch : {0, 100001}) {
    absl::SetFlag(&FLAGS_consumer_batch, batch);
    config = ServiceConfig::FromFlags("probe");
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << batch;
    EXPECT_THAT(config.status().message(), ::testing::HasSubstr("consumer_batch"));
  }

  absl::SetFlag(&FLAGS_consumer_batch, 2000);
  absl::SetFlag(&FLAGS_handler_threads, 0);
  config = ServiceConfig::FromFlags("probe");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), ::testing::HasSubstr("handler_threads"));
}

}  // namespace
}  // namespace himaya::service
