// The first flow end to end, with every component a real process: the embedded broker,
// registration and notification, on SQLite and on a real PostgreSQL server. The event on the
// topic is read back by an independent Kafka client (kcat). Crashes are real: kill -9.
#include <signal.h>

#include <fstream>
#include <regex>

#include "absl/strings/str_cat.h"
#include "core/process.h"
#include "events/envelope.h"
#include "events/kafka.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/notification/v1/events.pb.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "himaya/registration/v1/events.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "metrics/scrape.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/backends.h"
#include "testing/http.h"
#include "testing/kcat.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;
namespace notif = himaya::notification::v1;
using RegistrationStub = reg::RegistrationService::Stub;
constexpr char kTopic[] = "himaya.registration.amo-tns.v1";

class WalkingSkeletonTest : public testing::BackendTest {
 protected:
  void StartStack(std::map<std::string, std::vector<std::string>> extra_flags = {}) {
    stack::StackOptions options;
    options.data_dir = dir_.path() + "/stack";
    options.extra_flags = std::move(extra_flags);
    if (GetParam() == testing::Backend::kPostgres) {
      for (const std::string& service : stack::Services()) {
        options.databases[service] = NewDatabaseUrl(service);
      }
    }
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
  }

  absl::StatusOr<reg::Person> Register(const std::string& cin) {
    reg::RegisterPersonRequest r;
    r.set_cin(cin);
    r.set_last_name("El Amrani");
    r.set_first_name("Said");
    r.set_birth_date("1979-11-02");
    r.set_sex("M");
    r.set_phone("0661234567");
    r.set_program("amo-tns");
    r.set_category("TAXI");
    r.set_city("Casablanca");
    auto registered = rpc::Call(stack_->endpoint("registration").grpc, &RegistrationStub::RegisterPerson, r);
    if (!registered.ok()) return registered.status();
    return registered->person();
  }

  absl::StatusOr<reg::Person> GetPerson(const std::string& number) {
    reg::GetPersonRequest request;
    request.set_registration_number(number);
    return rpc::Call(stack_->endpoint("registration").grpc, &RegistrationStub::GetPerson, request);
  }

  std::vector<notif::Message> Messages(const std::string& number) {
    notif::ListMessagesRequest request;
    request.set_registration_number(number);
    auto response =
        rpc::Call(stack_->endpoint("notification").grpc, &notif::NotificationService::Stub::ListMessages, request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->messages().begin(), response->messages().end()};
  }

  // Waits until the person has at least one message; returns them all.
  std::vector<notif::Message> WaitForMessages(const std::string& number) {
    std::vector<notif::Message> messages;
    absl::Status waited = stack::WaitUntil(
        [&] {
          messages = Messages(number);
          return !messages.empty();
        },
        absl::Seconds(60), "the activation message");
    EXPECT_TRUE(waited.ok()) << waited;
    return messages;
  }

  // The value of every message on `topic`, read from the beginning by kcat, an independent
  // Kafka client.
  std::vector<std::string> ReadTopicWithKcat(const std::string& topic) {
    auto records = testing::ReadTopicWithKcat(stack_->bootstrap_servers(), topic);
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<std::string> values;
    for (const testing::KcatRecord& record : records.value_or(std::vector<testing::KcatRecord>{})) {
      values.push_back(record.value);
    }
    return values;
  }

  // The sum of a metric's samples (those with `labels`) on a service's /metrics, 0 when absent.
  double Metric(const std::string& service, const std::string& name, const metrics::MetricLabels& labels = {}) {
    return metrics::MetricSum(stack_->endpoint(service).metrics, name, labels);
  }

  std::unique_ptr<stack::LocalStack> stack_;
};

TEST_P(WalkingSkeletonTest, ServicesAreHealthyAndExposePrometheusMetrics) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  EXPECT_EQ(rpc::CheckHealth(stack_->endpoint("registration").grpc, "himaya.registration.v1.RegistrationService")
                .value_or(false),
            true);
  EXPECT_EQ(rpc::CheckHealth(stack_->endpoint("notification").grpc, "himaya.notification.v1.NotificationService")
                .value_or(false),
            true);
  EXPECT_EQ(rpc::CheckHealth(stack_->endpoint("claims").grpc, "himaya.claims.v1.ClaimsService").value_or(false), true);
  for (const std::string& service : stack::Services()) {
    auto response = testing::HttpGet(stack_->endpoint(service).metrics, "/metrics");
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200);
    EXPECT_THAT(response->content_type, ::testing::HasSubstr("text/plain"));
    EXPECT_THAT(response->body, ::testing::HasSubstr("# TYPE himaya_outbox_depth gauge"));
    EXPECT_THAT(response->body, ::testing::HasSubstr("# TYPE himaya_rpc_requests_total counter"));
  }
}

TEST_P(WalkingSkeletonTest, RegisteredPersonGetsAMessageAndTheEventIsOnKafka) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  absl::StatusOr<reg::Person> person = Register("BE401234");
  ASSERT_TRUE(person.ok()) << person.status();
  std::vector<notif::Message> messages = WaitForMessages(person->registration_number());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].template_(), "activation");
  // The local stack's provider writes the SMS to DATA_DIR/sms.jsonl and reports it delivered.
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    messages = Messages(person->registration_number());
                    return messages.size() == 1 && messages[0].status() == notif::MESSAGE_STATUS_DELIVERED;
                  },
                  absl::Seconds(30), "the SMS to be delivered")
                  .ok());
  EXPECT_EQ(messages[0].parts(), 1);
  std::ifstream sms(dir_.path() + "/stack/sms.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(sms, line));
  EXPECT_THAT(line, ::testing::HasSubstr("\"to\":\"+212661234567\""));
  EXPECT_THAT(line, ::testing::HasSubstr(person->registration_number()));
  EXPECT_THAT(line, ::testing::ContainsRegex("Code d'activation: [0-9A-Z]{4}-[0-9A-Z]{4}"));

  std::vector<std::string> on_topic = ReadTopicWithKcat(kTopic);
  ASSERT_EQ(on_topic.size(), 1u);
  absl::StatusOr<events::Envelope> envelope = events::ParseEnvelope(on_topic[0]);
  ASSERT_TRUE(envelope.ok()) << envelope.status();
  EXPECT_EQ(envelope->event_id(), messages[0].source_event_id());
  EXPECT_EQ(envelope->type(), "himaya.registration.v1.PersonRegistered");
  EXPECT_EQ(envelope->program(), "amo-tns");
  EXPECT_EQ(envelope->producer(), "registration");
  EXPECT_EQ(envelope->aggregate_id(), person->registration_number());
  auto event = events::Unpack<reg::PersonRegistered>(*envelope);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->registration_number(), person->registration_number());
  EXPECT_EQ(event->region(), "Casablanca-Settat");
  EXPECT_EQ(on_topic[0].find("BE401234"), std::string::npos) << "the CIN must not travel";
  EXPECT_EQ(on_topic[0].find("661234567"), std::string::npos) << "the phone must not travel";
  EXPECT_EQ(Metric("registration", "himaya_outbox_published_total"), 1);

  // The delivery reached Kafka with its parts (what the operator bills), though the local
  // provider reports delivery before the dispatcher records the submission.
  const std::string delivered_topic = "himaya.notification.amo-tns.v1";
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto n = events::CountTopicMessages({stack_->bootstrap_servers()}, delivered_topic);
                    return n.ok() && *n >= 1;
                  },
                  absl::Seconds(30), "NotificationDelivered on Kafka")
                  .ok());
  std::vector<std::string> deliveries = ReadTopicWithKcat(delivered_topic);
  ASSERT_EQ(deliveries.size(), 1u);
  auto delivered = events::ParseEnvelope(deliveries[0]);
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  auto delivery = events::Unpack<notif::NotificationDelivered>(*delivered);
  ASSERT_TRUE(delivery.ok()) << delivery.status();
  EXPECT_EQ(delivery->parts(), 1) << "NotificationDelivered without its parts";
}

TEST_P(WalkingSkeletonTest, EventCommittedBeforeACrashIsPublishedAfterRestart) {
  // The relay is paused: the registration commits, its outbox row waits unpublished.
  StartStack({{"registration", {"--outbox_relay=false"}}});
  ASSERT_NE(stack_, nullptr);
  absl::StatusOr<reg::Person> person = Register("JK99887");
  ASSERT_TRUE(person.ok()) << person.status();
  // The gauge is refreshed every second by the relay thread, even while it does not publish.
  EXPECT_TRUE(stack::WaitUntil([&] { return Metric("registration", "himaya_outbox_depth") == 1; }, absl::Seconds(10),
                               "the outbox depth gauge")
                  .ok());
  EXPECT_TRUE(ReadTopicWithKcat(kTopic).empty());

  stack_->StopService("registration", SIGKILL);
  const std::vector<std::string> relay_on;
  ASSERT_TRUE(stack_->StartService("registration", &relay_on).ok());

  EXPECT_EQ(GetPerson(person->registration_number())->cin(), "JK99887") << "the person survived";
  std::vector<notif::Message> messages = WaitForMessages(person->registration_number());
  EXPECT_EQ(messages.size(), 1u);
  EXPECT_EQ(ReadTopicWithKcat(kTopic).size(), 1u);
  EXPECT_EQ(Register("JK99887").status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(WalkingSkeletonTest, AnEventDeliveredTwiceYieldsOneMessageEvenAcrossACrash) {
  // Notification commits its consumer offsets rarely here, so that the kill below surely comes
  // before they are committed and the restarted process is given the events again.
  StartStack({{"notification", {"--kafka_properties=auto.commit.interval.ms=600000"}}});
  ASSERT_NE(stack_, nullptr);
  absl::StatusOr<reg::Person> person = Register("QA1");
  ASSERT_TRUE(person.ok()) << person.status();
  ASSERT_EQ(WaitForMessages(person->registration_number()).size(), 1u);

  // The same event again, twice, as a relay that crashed before marking its row would send it.
  std::vector<std::string> on_topic = ReadTopicWithKcat(kTopic);
  ASSERT_EQ(on_topic.size(), 1u);
  auto producer = events::KafkaProducer::Create({stack_->bootstrap_servers()});
  ASSERT_TRUE(producer.ok());
  events::Record again{kTopic, person->registration_number(), on_topic[0]};
  for (const absl::Status& s : (*producer)->Publish({again, again})) ASSERT_TRUE(s.ok()) << s;
  auto duplicates = [&] { return Metric("notification", "himaya_consumer_events_total", {{"outcome", "duplicate"}}); };
  ASSERT_TRUE(
      stack::WaitUntil([&] { return duplicates() == 2; }, absl::Seconds(60), "both duplicates to be seen").ok());
  EXPECT_EQ(Messages(person->registration_number()).size(), 1u);

  // A notification process killed without warning sees the events again; still one message.
  stack_->StopService("notification", SIGKILL);
  ASSERT_TRUE(stack_->StartService("notification").ok());
  ASSERT_TRUE(stack::WaitUntil([&] { return duplicates() >= 3; }, absl::Seconds(60),
                               "the restarted process to be given the three events again")
                  .ok())
      << "the kill came too late to test anything: the restarted process was not given the events again ("
      << duplicates() << " seen)";
  EXPECT_EQ(Metric("notification", "himaya_consumer_events_total", {{"outcome", "applied"}}), 0);
  EXPECT_EQ(Messages(person->registration_number()).size(), 1u);
  EXPECT_EQ(ReadTopicWithKcat(kTopic).size(), 3u);
}

TEST_P(WalkingSkeletonTest, ServicesStopCleanlyOnSigterm) {
  StartStack();
  ASSERT_NE(stack_, nullptr);
  ASSERT_TRUE(Register("ST1").ok());
  // Reverse order of start: notification first, as a deployment would drain it.
  for (const char* service : {"notification", "registration"}) {
    int status = stack_->StopService(service, SIGTERM);
    EXPECT_EQ(core::DescribeWaitStatus(status), "exited with code 0") << service;
  }
}

INSTANTIATE_BACKENDS(WalkingSkeletonTest);

}  // namespace
}  // namespace himaya
