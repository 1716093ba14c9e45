// Nothing is lost between registration and notification, even by the embedded broker, which
// keeps at most 5 MiB per partition and forgets everything when it stops:
// - notification paused while a batch is published past the broker's retention: it counts the
//   events the broker dropped (himaya_consumer_lost_events_total), and an operator's replay
//   (`himaya events replay --since`) gets every person messaged, exactly once;
// - the whole stack stopped mid-way (notification killed -9) and started again with a new
//   broker: registration publishes its retained events again, and every person is messaged
//   exactly once.
// Real processes: the embedded broker, both services on SQLite, the himaya command line.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/process.h"
#include "core/status_macros.h"
#include "datagen/liaison_generator.h"
#include "events/kafka.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/http.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

constexpr const char* kTopic = "himaya.registration.amo-tns.v1";

class EventsNotLostTest : public ::testing::Test {
 protected:
  // A batch of `rows` people, every one of whom is registered.
  void Generate(int rows) {
    datagen::LiaisonOptions gen;
    gen.records = rows;
    gen.out_dir = dir_.path();
    gen.seed = 29;
    gen.duplicate_rate = gen.invalid_rate = gen.lookalike_rate = gen.covered_rate = 0;
    gen.every_phone = true;
    auto batch = datagen::GenerateLiaisonBatch(gen);
    ASSERT_TRUE(batch.ok()) << batch.status();
    csv_ = batch->csv_path;
  }

  void StartStack(int partitions) {
    stack::StackOptions options;
    options.data_dir = data_dir();
    options.partitions = partitions;
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
  }

  std::string data_dir() const { return dir_.path() + "/stack"; }

  // Runs `himaya ARGS --data_dir=...` to its end; returns its exit code.
  int Himaya(std::vector<std::string> args) {
    args.insert(args.begin(), stack::DefaultBinDir() + "/himaya");
    args.push_back("--data_dir=" + data_dir());
    const std::string out = absl::StrCat(dir_.path(), "/cli-", ++runs_, ".out");
    auto p = core::Subprocess::Start({.argv = args, .stdout_path = out, .stderr_path = out});
    if (!p.ok()) return -1;
    std::optional<int> status = p->Wait(absl::Minutes(5));
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  double Metric(const std::string& service, const std::string& prefix) {
    return testing::MetricSum(stack_->endpoint(service).metrics, prefix);
  }

  // One count from a service's own SQLite database.
  int64_t Count(const std::string& service, const std::string& sql) {
    auto db = storage::Open({.url = absl::StrCat("sqlite:", data_dir(), "/", service, ".db"), .pool_size = 1});
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return -1;
    int64_t n = -1;
    absl::Status read = (*db)->Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
      n = rows.at(0).Int(0);
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    return n;
  }
  int64_t Registered() { return Count("registration", "SELECT COUNT(*) FROM persons"); }
  int64_t PeopleWithOneActivation() {
    return Count("notification",
                 "SELECT COUNT(*) FROM (SELECT registration_number FROM messages WHERE template = 'activation' "
                 "GROUP BY registration_number HAVING COUNT(*) = 1) AS once");
  }
  int64_t ActivationMessages() {
    return Count("notification", "SELECT COUNT(*) FROM messages WHERE template = 'activation'");
  }

  // Every registered person ends with exactly one activation message.
  void ExpectEveryoneMessagedOnce(int people) {
    ASSERT_EQ(Registered(), people);
    ASSERT_TRUE(stack::WaitUntil([&] { return ActivationMessages() >= people; }, absl::Minutes(3),
                                 "every person's activation message")
                    .ok())
        << ActivationMessages() << " of " << people;
    EXPECT_EQ(ActivationMessages(), people);
    EXPECT_EQ(PeopleWithOneActivation(), people);
  }

  testing::TempDir dir_;
  std::string csv_;
  std::unique_ptr<stack::LocalStack> stack_;
  int runs_ = 0;
};

TEST_F(EventsNotLostTest, ALaggingConsumerCountsWhatTheBrokerDroppedAndAReplayMessagesEveryoneOnce) {
  // One partition keeps 5 MiB: some 15,000 registration events. Published while notification is
  // stopped, 20,000 overflow it.
  constexpr int kPeople = 20000;
  Generate(kPeople);
  StartStack(/*partitions=*/1);
  const std::string since = absl::FormatTime(absl::RFC3339_sec, absl::Now() - absl::Seconds(1), absl::UTCTimeZone());

  ASSERT_EQ(kill(stack_->pid("notification"), SIGSTOP), 0);
  ASSERT_EQ(Himaya({"batch", "submit", csv_}), 0);
  ASSERT_TRUE(stack::WaitUntil([&] { return Metric("registration", "himaya_outbox_depth") == 0; }, absl::Minutes(2),
                               "registration's events on Kafka")
                  .ok());
  ASSERT_EQ(kill(stack_->pid("notification"), SIGCONT), 0);

  // Notification reads what the broker kept, and says what it lost: every event on the topic is
  // read or counted lost.
  const int64_t on_topic = events::CountTopicMessages({stack_->bootstrap_servers()}, kTopic).value_or(-1);
  ASSERT_EQ(on_topic, kPeople + 1) << "every PersonRegistered and the BatchCompleted";
  auto lost = [&] { return Metric("notification", "himaya_consumer_lost_events_total"); };
  auto read = [&] { return Metric("notification", "himaya_consumer_events_total"); };
  ASSERT_TRUE(stack::WaitUntil([&] { return lost() > 0 && read() + lost() == on_topic; }, absl::Minutes(2),
                               "notification to catch up")
                  .ok())
      << "lost " << lost() << ", read " << read() << ", messages " << ActivationMessages();
  const double lost_before_replay = lost();
  EXPECT_EQ(ActivationMessages() + lost_before_replay, kPeople) << "the dropped events are the first people's";

  // The operator replays from before the batch: everyone is messaged, nobody twice.
  ASSERT_EQ(Himaya({"events", "replay", "--service=registration", "--since=" + since}), 0);
  ExpectEveryoneMessagedOnce(kPeople);
  EXPECT_EQ(lost(), lost_before_replay) << "the replay itself lost nothing";
}

TEST_F(EventsNotLostTest, AStackStartedAgainWithANewBrokerMessagesEveryoneOnce) {
  constexpr int kPeople = 3000;
  Generate(kPeople);
  StartStack(/*partitions=*/8);
  ASSERT_EQ(kill(stack_->pid("notification"), SIGSTOP), 0);
  ASSERT_EQ(Himaya({"batch", "submit", csv_}), 0);
  ASSERT_TRUE(stack::WaitUntil([&] { return Metric("registration", "himaya_outbox_depth") == 0; }, absl::Minutes(2),
                               "registration's events on Kafka")
                  .ok());
  // Registration has marked every event published; notification dies having applied a part.
  ASSERT_EQ(kill(stack_->pid("notification"), SIGCONT), 0);
  ASSERT_TRUE(
      stack::WaitUntil([&] { return ActivationMessages() > 0; }, absl::Minutes(1), "notification to start").ok());
  stack_->StopService("notification", SIGKILL);
  const int64_t before = ActivationMessages();
  ASSERT_LT(before, kPeople) << "the kill came too late to test anything";

  // Everything stops; the embedded broker forgets all it held. A new stack on the same data.
  stack_.reset();
  StartStack(/*partitions=*/8);
  ExpectEveryoneMessagedOnce(kPeople);
  EXPECT_GE(Metric("registration", "himaya_outbox_replayed_total"), kPeople)
      << "registration published its retained events again to the new broker";
}

}  // namespace
}  // namespace himaya
