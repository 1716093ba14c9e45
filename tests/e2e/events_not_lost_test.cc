// Nothing is lost between registration and notification, even by the embedded broker, which
// keeps at most 5 MiB per partition and forgets everything when it stops:
// - notification paused while a batch is published past the broker's retention: it counts the
//   events the broker dropped (himaya_consumer_lost_events_total), and an operator's replay
//   (`himaya events replay`, in two windows that each fit the broker's retention) gets every
//   person messaged, exactly once;
// - the whole stack stopped mid-way (notification killed -9) and started again with a new
//   broker: registration publishes its retained events again, and every person is messaged
//   exactly once;
// - the broker stopped (SIGSTOP) for 30 s, or killed and restarted by the stack's supervision,
//   during a 100,000-row batch: intake completes and every person is messaged exactly once.
// Real processes: the embedded broker, both services (SQLite, or a real PostgreSQL), the himaya
// command line.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/process.h"
#include "core/status_macros.h"
#include "datagen/liaison_generator.h"
#include "events/kafka.h"
#include "gtest/gtest.h"
#include "metrics/scrape.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/backends.h"
#include "testing/queries.h"

namespace himaya {
namespace {

constexpr const char* kTopic = "himaya.registration.amo-tns.v1";

class EventsNotLostTest : public testing::BackendTest {
 protected:
  // A batch of `rows` people, every one of whom is registered.
  void Generate(int rows) {
    auto batch = datagen::GenerateLiaisonBatch(datagen::EveryoneRegisteredOptions(rows, dir_.path(), 29));
    ASSERT_TRUE(batch.ok()) << batch.status();
    csv_ = batch->csv_path;
  }

  void StartStack(int partitions) {
    if (GetParam() == testing::Backend::kPostgres && databases_.empty()) {
      for (const char* service : {"registration", "notification"}) databases_[service] = NewDatabaseUrl(service);
    }
    stack::StackOptions options;
    options.data_dir = data_dir();
    options.partitions = partitions;
    options.databases = databases_;
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

  double Metric(const std::string& service, const std::string& name) {
    return metrics::MetricSum(stack_->endpoint(service).metrics, name);
  }

  // One count from a service's own database.
  int64_t Count(const std::string& service, const std::string& sql) {
    std::unique_ptr<storage::Database>& db = opened_[service];
    if (db == nullptr) {
      auto url =
          databases_.count(service) ? databases_[service] : absl::StrCat("sqlite:", data_dir(), "/", service, ".db");
      auto opened = storage::Open({.url = url, .pool_size = 1});
      EXPECT_TRUE(opened.ok()) << opened.status();
      if (!opened.ok()) return -1;
      db = std::move(*opened);
    }
    return testing::Count(*db, sql);
  }
  int64_t Registered() { return Count("registration", "SELECT COUNT(*) FROM persons"); }

  // The instant that splits what a replay since `since` would publish again (registration's
  // published outbox rows created since then) in two windows of events as even as its rows allow
  // (the rows of one transaction share their creation time); `before` gets the events created
  // before it.
  absl::Time HalfwayThroughTheOutbox(absl::Time since, int64_t& before) {
    std::map<int64_t, int64_t> events_at;  // created_at_us -> events
    int64_t total = 0;
    Count("registration", "SELECT COUNT(*) FROM outbox");  // opens the database
    if (opened_["registration"] == nullptr) return absl::InfinitePast();
    EXPECT_TRUE(opened_["registration"]
                    ->Read([&](storage::Transaction& tx) -> absl::Status {
                      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT created_at_us, events FROM outbox WHERE "
                                                           "published_at_us IS NOT NULL AND created_at_us >= $1",
                                                           {absl::ToUnixMicros(since)}));
                      for (const storage::Row& r : rows) events_at[r.Int(0)] += r.Int(1);
                      return absl::OkStatus();
                    })
                    .ok());
    for (const auto& [at, n] : events_at) total += n;
    absl::Time split = absl::InfinitePast();
    int64_t best = total, so_far = 0;
    for (const auto& [at, n] : events_at) {
      if (std::max(so_far, total - so_far) < best) {
        best = std::max(so_far, total - so_far);
        split = absl::FromUnixMicros(at);
        before = so_far;
      }
      so_far += n;
    }
    return split;
  }
  int64_t PeopleWithOneActivation() {
    return Count("notification",
                 "SELECT COUNT(*) FROM (SELECT registration_number FROM messages WHERE template = 'activation' "
                 "GROUP BY registration_number HAVING COUNT(*) = 1) AS once");
  }
  int64_t ActivationMessages() {
    return Count("notification", "SELECT COUNT(*) FROM messages WHERE template = 'activation'");
  }

  // Every registered person ends with exactly one activation message (the stack supervised
  // meanwhile, as `himaya up` does).
  void ExpectEveryoneMessagedOnce(int people) {
    ASSERT_EQ(Registered() + Count("registration", "SELECT COUNT(*) FROM batch_outcomes WHERE outcome <> 'REGISTERED'"),
              people)
        << "every row has one outcome";
    // The generator makes valid, new people; a rare one may still look like another (review).
    ASSERT_GE(Registered(), people * 999 / 1000);
    if (Registered() < people) {
      (void)opened_["registration"]->Read([](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(auto rows,
                         tx.Query("SELECT outcome, reasons FROM batch_outcomes WHERE outcome <> 'REGISTERED' "
                                  "LIMIT 3"));
        for (const storage::Row& r : rows) std::printf("not registered: %s %s\n", r.Text(0).c_str(), r.Text(1).c_str());
        return absl::OkStatus();
      });
    }
    people = static_cast<int>(Registered());
    // Counted in the database every half second (a metric would start again with a restart).
    const absl::Time deadline = absl::Now() + absl::Minutes(5);
    while (ActivationMessages() < people && absl::Now() < deadline) {
      stack_->Supervise();
      absl::SleepFor(absl::Milliseconds(500));
    }
    EXPECT_EQ(ActivationMessages(), people);
    EXPECT_EQ(PeopleWithOneActivation(), people);
  }

  // Stops notification (SIGSTOP), submits the generated batch of `people` and waits until
  // registration has published every event of it (each PersonRegistered and the
  // BatchCompleted, counted by the relay: an outbox depth of 0 alone may be read before the
  // relay's pass has seen the batch); notification stays stopped (SIGCONT resumes it).
  void SubmitWhileNotificationIsStopped(int people) {
    ASSERT_EQ(kill(stack_->pid("notification"), SIGSTOP), 0);
    ASSERT_EQ(Himaya({"batch", "submit", csv_}), 0);
    ASSERT_TRUE(stack::WaitUntil(
                    [&] {
                      return Metric("registration", "himaya_outbox_published_total") >= people + 1 &&
                             Metric("registration", "himaya_outbox_depth") == 0;
                    },
                    absl::Minutes(2), "registration's events on Kafka")
                    .ok());
  }

  // Starts `himaya batch submit` of the generated batch, which waits for every row's outcome.
  core::Subprocess StartSubmit() {
    const std::string out = dir_.path() + "/submit.out";
    auto p = core::Subprocess::Start({.argv = {stack::DefaultBinDir() + "/himaya", "batch", "submit", csv_,
                                               "--data_dir=" + data_dir(), "--retry_for=5m"},
                                      .stdout_path = out,
                                      .stderr_path = out});
    EXPECT_TRUE(p.ok()) << p.status();
    return std::move(*p);
  }
  // Waits for the batch's first events on Kafka: the outage then strikes mid-batch.
  void WaitForTheFirstEvents() {
    ASSERT_TRUE(stack::WaitUntil([&] { return Metric("registration", "himaya_outbox_published_total") >= 1000; },
                                 absl::Minutes(2), "the batch's first events")
                    .ok());
  }
  int ExitCode(core::Subprocess& p, absl::Duration timeout) {
    std::optional<int> status;
    EXPECT_TRUE(stack::WaitUntil(
                    [&] {
                      stack_->Supervise();
                      status = p.Wait(absl::ZeroDuration());
                      return status.has_value();
                    },
                    timeout, "himaya batch submit")
                    .ok());
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  std::string csv_;
  std::map<std::string, std::string> databases_;
  std::map<std::string, std::unique_ptr<storage::Database>> opened_;
  std::unique_ptr<stack::LocalStack> stack_;
  int runs_ = 0;
};

TEST_P(EventsNotLostTest, ALaggingConsumerCountsWhatTheBrokerDroppedAndAReplayMessagesEveryoneOnce) {
  // One partition keeps 5 MiB: some 15,000 registration events. Published while notification is
  // stopped, 20,000 overflow it.
  constexpr int kPeople = 20000;
  Generate(kPeople);
  StartStack(/*partitions=*/1);
  const absl::Time since_time = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now() - absl::Seconds(1)));
  const std::string since = absl::FormatTime(absl::RFC3339_sec, since_time, absl::UTCTimeZone());

  SubmitWhileNotificationIsStopped(kPeople);
  if (HasFatalFailure()) return;
  ASSERT_EQ(kill(stack_->pid("notification"), SIGCONT), 0);

  // Notification reads what the broker kept, and says what it lost: every event on the topic is
  // read or counted lost.
  const int64_t on_topic = events::CountTopicMessages({stack_->bootstrap_servers()}, kTopic).value_or(-1);
  ASSERT_EQ(on_topic, kPeople + 1) << "every PersonRegistered and the BatchCompleted";
  auto lost = [&] { return Metric("notification", "himaya_consumer_lost_events_total"); };
  // Events handled, whatever their outcome (a retry of a batch counts under "retried").
  auto read = [&] {
    double handled = 0;
    for (const char* outcome : {"applied", "duplicate", "rejected"}) {
      handled += metrics::MetricSum(stack_->endpoint("notification").metrics, "himaya_consumer_events_total",
                                    {{"outcome", outcome}});
    }
    return handled;
  };
  ASSERT_TRUE(stack::WaitUntil([&] { return lost() > 0 && read() + lost() >= on_topic; }, absl::Minutes(2),
                               "notification to catch up")
                  .ok())
      << "lost " << lost() << ", read " << read() << ", messages " << ActivationMessages();
  const double lost_before_replay = lost();
  EXPECT_EQ(ActivationMessages() + lost_before_replay, kPeople) << "the dropped events are the first people's";

  // The operator replays from before the batch, in two windows: the whole batch again at once
  // would overflow the partition again, as notification reads slower than registration publishes.
  // Everyone is messaged, nobody twice.
  int64_t first_window = 0;
  const absl::Time halfway = HalfwayThroughTheOutbox(since_time, first_window);
  ASSERT_LT(first_window, 12000);
  ASSERT_GT(first_window, kPeople + 1 - 12000) << "each window fits the partition";
  const std::string until = absl::FormatTime(absl::RFC3339_full, halfway, absl::UTCTimeZone());
  ASSERT_EQ(Himaya({"events", "replay", "--service=registration", "--since=" + since, "--until=" + until}), 0);
  ASSERT_EQ(Metric("registration", "himaya_outbox_replayed_total"), first_window) << "the first window only";
  ASSERT_TRUE(stack::WaitUntil([&] { return read() + lost() >= on_topic + first_window; }, absl::Minutes(2),
                               "notification to read the first window")
                  .ok())
      << "read " << read() << ", lost " << lost();
  ASSERT_EQ(Himaya({"events", "replay", "--service=registration", "--since=" + until}), 0);
  ExpectEveryoneMessagedOnce(kPeople);
  std::printf(
      "lagging consumer: %.0f of %lld events dropped by the broker and counted lost; %.0f replayed; %lld "
      "people messaged once\n",
      lost_before_replay, static_cast<long long>(on_topic), Metric("registration", "himaya_outbox_replayed_total"),
      static_cast<long long>(PeopleWithOneActivation()));
  EXPECT_EQ(lost(), lost_before_replay) << "the replay itself lost nothing";
}

TEST_P(EventsNotLostTest, AStackStartedAgainWithANewBrokerMessagesEveryoneOnce) {
  // Enough people that notification is still applying them when the first messages show (at
  // 3,000 it once applied them all between two looks, under a loaded CI).
  constexpr int kPeople = 10000;
  Generate(kPeople);
  StartStack(/*partitions=*/8);
  SubmitWhileNotificationIsStopped(kPeople);
  if (HasFatalFailure()) return;
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
  std::printf(
      "new broker: notification had %lld messages when killed; %.0f events replayed; %lld people messaged once\n",
      static_cast<long long>(before), Metric("registration", "himaya_outbox_replayed_total"),
      static_cast<long long>(PeopleWithOneActivation()));
}

TEST_P(EventsNotLostTest, ABrokerStoppedForThirtySecondsDuringABatchLosesNothing) {
  constexpr int kPeople = 100000;
  Generate(kPeople);
  StartStack(/*partitions=*/16);
  core::Subprocess submit = StartSubmit();
  WaitForTheFirstEvents();
  const pid_t broker = stack_->pid("broker");
  ASSERT_EQ(kill(broker, SIGSTOP), 0);
  absl::SleepFor(absl::Seconds(30));  // the outage itself, not a wait for a condition
  ASSERT_EQ(kill(broker, SIGCONT), 0);
  ASSERT_EQ(ExitCode(submit, absl::Minutes(5)), 0) << "intake completes";
  ExpectEveryoneMessagedOnce(kPeople);
  EXPECT_EQ(Metric("notification", "himaya_consumer_lost_events_total"), 0);
  std::printf("broker stopped 30 s: %lld people registered and messaged once; %.0f publications retried\n",
              static_cast<long long>(PeopleWithOneActivation()),
              Metric("registration", "himaya_outbox_publish_errors_total"));
}

TEST_P(EventsNotLostTest, ABrokerKilledDuringABatchIsRestartedAndLosesNothing) {
  constexpr int kPeople = 100000;
  Generate(kPeople);
  StartStack(/*partitions=*/16);
  core::Subprocess submit = StartSubmit();
  WaitForTheFirstEvents();
  ASSERT_EQ(kill(stack_->pid("broker"), SIGKILL), 0);
  // The stack's supervision starts a new broker, then every service with its address.
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    stack_->Supervise();
                    return stack_->restarts("broker") == 1 && !stack_->endpoint("registration").grpc.empty() &&
                           !stack_->endpoint("notification").grpc.empty();
                  },
                  absl::Minutes(2), "a new broker and the services again")
                  .ok());
  ASSERT_EQ(ExitCode(submit, absl::Minutes(5)), 0) << "intake completes";
  ExpectEveryoneMessagedOnce(kPeople);
  EXPECT_GT(Metric("registration", "himaya_outbox_replayed_total"), 0)
      << "registration published its retained events again to the new broker";
  std::printf("broker killed: restarted with the services; %.0f events replayed; %lld people messaged once\n",
              Metric("registration", "himaya_outbox_replayed_total"),
              static_cast<long long>(PeopleWithOneActivation()));
}

INSTANTIATE_BACKENDS(EventsNotLostTest);

}  // namespace
}  // namespace himaya
