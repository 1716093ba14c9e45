// The dispatcher on both backends, with an injected clock: quiet hours, rate limit, back-off,
// final failures with reasons, opt-out, fresh codes at send time, delivery reports, and the
// messages a crash leaves mid-send.
#include "notification/src/dispatcher.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/notification/v1/events.pb.h"
#include "notification/src/message_store.h"
#include "notification/src/requests.h"
#include "notification/test/dispatch_fakes.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

using ::testing::HasSubstr;

// A provider that reports on each message before it answers its submission (Kannel may call back
// before sendsms answers): `delivered` or not with `reason`, then `after_report` runs and
// `answer` is what Submit returns.
class EarlyReportingProvider final : public SmsProvider {
 public:
  std::string name() const override { return "eager"; }
  absl::StatusOr<std::string> Submit(const OutgoingSms& sms) override {
    ++submitted;
    EXPECT_TRUE(dispatcher->OnDeliveryReport(sms.message_id, delivered, reason).ok());
    after_report(sms);
    return answer(sms);
  }
  Dispatcher* dispatcher = nullptr;
  bool delivered = true;
  std::string reason;
  std::function<void(const OutgoingSms&)> after_report = [](const OutgoingSms&) {};
  std::function<absl::StatusOr<std::string>(const OutgoingSms&)> answer = [](const OutgoingSms&) {
    return std::string("x");
  };
  std::atomic<int> submitted{0};
};

class DispatcherTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 1, 10, 0, 0), absl::UTCTimeZone()));
    directory_.phones = {{"100000017", "+212612345678"}, {"100000025", "+212712345678"}, {"100000033", ""}};
  }
  std::unique_ptr<Dispatcher> NewDispatcher(DispatchOptions options = {}) { return NewDispatcher(provider_, options); }
  std::unique_ptr<Dispatcher> NewDispatcher(SmsProvider& provider, DispatchOptions options = {}) {
    return std::make_unique<Dispatcher>(*db_, provider, directory_, Templates::Shipped(),
                                        events::EventSource{"notification", &clock_, &random_}, options);
  }
  // A dispatcher sending through `eager`, which reports to it.
  std::unique_ptr<Dispatcher> NewDispatcher(EarlyReportingProvider& eager) {
    auto d = NewDispatcher(static_cast<SmsProvider&>(eager));
    eager.dispatcher = d.get();
    return d;
  }
  void Queue(const std::string& id, const std::string& number, const std::string& language = "fr",
             const std::string& template_key = "activation") {
    Message m{id,          number, "amo-tns", "sms", template_key, language, MessageStatus::kPending, "event-" + id,
              clock_.Now()};
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, m).status(); }).ok());
  }
  // A dispatcher `instance` claimed every message (attempt 1, its claim running 5 minutes), then
  // its process died before it recorded anything.
  void ClaimAll(const std::string& instance) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return tx
                         .Execute(
                             "UPDATE messages SET status = 'SENDING', claimed_by = $1, attempts = 1, "
                             "next_attempt_at_us = $2",
                             {instance, absl::ToUnixMicros(clock_.Now() + absl::Minutes(5))})
                         .status();
                   })
                    .ok());
  }
  std::string StatusOf(const std::string& id) {
    std::string status;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT status, attempts, last_error FROM messages "
                                                          "WHERE message_id = $1",
                                                          {id}));
                     status = absl::StrCat(rows.at(0).Text(0), "/", rows.at(0).Int(1), "/", rows.at(0).Text(2));
                     return absl::OkStatus();
                   })
                    .ok());
    return status;
  }
  std::vector<std::string> OutboxTypes() {
    std::vector<std::string> types;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT payload FROM outbox ORDER BY id"));
                     for (const auto& r : rows) types.push_back(events::ParseEnvelope(r.Text(0))->type());
                     return absl::OkStatus();
                   })
                    .ok());
    return types;
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{9};
  FakeProvider provider_;
  FakeDirectory directory_;
};

TEST_P(DispatcherTest, SendsWithAFreshCodeAndNeverStoresTheText) {
  Queue("m1", "100000017", "fr");
  Queue("m2", "100000025", "ar");
  auto d = NewDispatcher();
  auto counts = d->DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->submitted, 2);
  ASSERT_EQ(provider_.sent.size(), 2u);
  std::sort(provider_.sent.begin(), provider_.sent.end(),
            [](const OutgoingSms& a, const OutgoingSms& b) { return a.to < b.to; });
  EXPECT_EQ(provider_.sent[0].to, "+212612345678");
  EXPECT_THAT(provider_.sent[0].text, HasSubstr("100000017"));
  EXPECT_THAT(provider_.sent[0].text, HasSubstr("CODE-"));
  EXPECT_NE(provider_.sent[0].text.substr(provider_.sent[0].text.find("CODE-"), 6),
            provider_.sent[1].text.substr(provider_.sent[1].text.find("CODE-"), 6))
      << "a code each";
  EXPECT_EQ(provider_.sent[0].encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(provider_.sent[1].encoding, SmsEncoding::kUcs2);
  EXPECT_EQ(StatusOf("m1"), "SUBMITTED/1/");
  // Nothing in the database holds the code or the phone.
  for (std::string table : {"messages", "outbox"}) {
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT * FROM " + table));
                     for (const auto& r : rows) {
                       for (size_t c = 0; c < r.size(); ++c) {
                         EXPECT_EQ(r.Text(c).find("CODE-"), std::string::npos) << table;
                         EXPECT_EQ(r.Text(c).find("612345678"), std::string::npos) << table;
                       }
                     }
                     return absl::OkStatus();
                   })
                    .ok());
  }
}

TEST_P(DispatcherTest, QuietHoursHoldMessagesUntilMorning) {
  Queue("m1", "100000017");
  auto d = NewDispatcher({.time_zone = absl::FixedTimeZone(3600)});  // Morocco, UTC+1
  clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 1, 21, 30, 0), absl::FixedTimeZone(3600)));
  EXPECT_TRUE(d->IsQuiet(clock_.Now()));
  EXPECT_EQ(d->DispatchOnce()->submitted, 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 2, 7, 59, 0), absl::FixedTimeZone(3600)));
  EXPECT_EQ(d->DispatchOnce()->submitted, 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 2, 8, 0, 0), absl::FixedTimeZone(3600)));
  EXPECT_FALSE(d->IsQuiet(clock_.Now()));
  EXPECT_EQ(d->DispatchOnce()->submitted, 1);
}

TEST_P(DispatcherTest, RateLimitSpreadsSendingOverTime) {
  for (int i = 0; i < 10; ++i) Queue(absl::StrCat("m", i), "100000017");
  auto d = NewDispatcher({.rate_per_second = 4});
  EXPECT_EQ(d->DispatchOnce()->submitted, 4) << "a burst of one second's worth";
  EXPECT_EQ(d->DispatchOnce()->submitted, 0) << "no time passed";
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_EQ(d->DispatchOnce()->submitted, 2);
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(d->DispatchOnce()->submitted, 4);
  EXPECT_EQ(provider_.sent.size(), 10u);
  EXPECT_EQ(StatusOf("m9"), "SUBMITTED/1/") << "held-back messages spent no attempt";
}

TEST_P(DispatcherTest, TransientFailuresBackOffExponentiallyThenFailWithTheReason) {
  Queue("m1", "100000017");
  DispatchOptions o{.max_attempts = 3, .first_backoff = absl::Seconds(30)};
  auto d = NewDispatcher(o);
  EXPECT_EQ(d->Backoff(1), absl::Seconds(30));
  EXPECT_EQ(d->Backoff(2), absl::Seconds(60));
  EXPECT_EQ(d->Backoff(3), absl::Seconds(120));
  EXPECT_EQ(NewDispatcher({.max_backoff = absl::Hours(1)})->Backoff(20), absl::Hours(1));
  provider_.fail_next = 3;
  EXPECT_EQ(d->DispatchOnce()->retried, 1);
  EXPECT_EQ(StatusOf("m1"), "PENDING/1/smsc link down");
  clock_.Advance(absl::Seconds(29));
  EXPECT_EQ(d->DispatchOnce()->retried, 0) << "not due yet";
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(d->DispatchOnce()->retried, 1);
  clock_.Advance(absl::Seconds(60));
  EXPECT_EQ(d->DispatchOnce()->failed, 1);
  EXPECT_EQ(StatusOf("m1"), "FAILED/3/gave up after 3 attempts: smsc link down");
  EXPECT_THAT(OutboxTypes(), ::testing::ElementsAre("himaya.notification.v1.NotificationFailed"));
}

TEST_P(DispatcherTest, WhileRegistrationCannotAnswerMessagesWaitAndNothingIsSent) {
  Queue("m1", "100000017");
  Queue("m2", "100000025");
  directory_.down = absl::UnavailableError("registration: connection refused");
  auto d = NewDispatcher();
  auto counts = d->DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->retried, 2);
  EXPECT_EQ(StatusOf("m1"), "PENDING/1/registration: connection refused");
  EXPECT_TRUE(provider_.sent.empty());
  directory_.down = absl::OkStatus();
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(d->DispatchOnce()->submitted, 2) << "sent once registration answers again";
}

TEST_P(DispatcherTest, PermanentRefusalsOptOutsAndMissingPhonesFailAtOnce) {
  Queue("refused", "100000017");
  Queue("nophone", "100000033");
  Queue("unknown", "100000041");
  Queue("optout", "100000025");
  auto d = NewDispatcher();
  MessageRequests requests(*db_, Templates::Shipped(), clock_, random_);
  ASSERT_TRUE(requests.SetOptOut("100000025", "sms", true).ok());
  provider_.fail_next = 1;
  provider_.failure = absl::InvalidArgumentError("invalid destination");
  auto counts = d->DispatchOnce();
  EXPECT_EQ(counts->failed, 4);
  EXPECT_EQ(StatusOf("refused"), "FAILED/1/rejected by the provider: invalid destination");
  EXPECT_EQ(StatusOf("nophone"), "FAILED/1/no phone known");
  EXPECT_EQ(StatusOf("unknown"), "FAILED/1/unknown registration number");
  EXPECT_EQ(StatusOf("optout"), "FAILED/1/opted out");
  EXPECT_TRUE(provider_.sent.empty());
  EXPECT_EQ(OutboxTypes().size(), 4u);
  EXPECT_THAT(directory_.batches, ::testing::ElementsAre(3u))
      << "registration is asked once for the pass, and never about an opted-out person";
}

TEST_P(DispatcherTest, DeliveryReportsCloseMessagesOnceInAnyOrder) {
  Queue("m1", "100000017");
  Queue("m2", "100000025");
  auto d = NewDispatcher();
  ASSERT_EQ(d->DispatchOnce()->submitted, 2);
  ASSERT_TRUE(d->OnDeliveryReport("m1", true, "").ok());
  ASSERT_TRUE(d->OnDeliveryReport("m1", true, "").ok());               // again
  ASSERT_TRUE(d->OnDeliveryReport("m1", false, "late failure").ok());  // too late: stays delivered
  ASSERT_TRUE(d->OnDeliveryReport("m2", false, "not delivered to the phone").ok());
  EXPECT_EQ(StatusOf("m1"), "DELIVERED/1/");
  EXPECT_EQ(StatusOf("m2"), "FAILED/1/not delivered to the phone");
  EXPECT_THAT(OutboxTypes(), ::testing::ElementsAre("himaya.notification.v1.NotificationDelivered",
                                                    "himaya.notification.v1.NotificationFailed"));
  EXPECT_EQ(d->OnDeliveryReport("nope", true, "").code(), absl::StatusCode::kNotFound);
}

TEST_P(DispatcherTest, AReportBeforeTheSubmissionIsRecordedStillWins) {
  // Kannel may call back before the dispatcher has written SUBMITTED.
  EarlyReportingProvider eager;
  Queue("m1", "100000017");
  auto d = NewDispatcher(eager);
  ASSERT_EQ(d->DispatchOnce()->submitted, 1);
  EXPECT_EQ(StatusOf("m1"), "DELIVERED/1/");
}

TEST_P(DispatcherTest, AReportThatOvertakesTheSubmissionLosesNoParts) {
  // The provider reports delivery before Submit returns, so before the submission (and its parts,
  // what the operator bills) is recorded: the message may never be seen DELIVERED without its
  // parts, and NotificationDelivered carries them.
  EarlyReportingProvider eager;
  bool seen_delivered_without_parts = false;
  eager.after_report = [&](const OutgoingSms& sms) {
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT status, parts FROM messages WHERE message_id = $1",
                                                          {sms.message_id}));
                     if (rows.at(0).Text(0) == "DELIVERED" && rows.at(0).Int(1) == 0) {
                       seen_delivered_without_parts = true;
                     }
                     return absl::OkStatus();
                   })
                    .ok());
  };
  Queue("m1", "100000017", "ar");  // an Arabic activation text: several UCS-2 parts
  auto d = NewDispatcher(eager);
  ASSERT_EQ(d->DispatchOnce()->submitted, 1);
  EXPECT_FALSE(seen_delivered_without_parts) << "DELIVERED with 0 parts";
  EXPECT_EQ(StatusOf("m1"), "DELIVERED/1/");
  int64_t parts = 0;
  std::vector<int> delivered_parts;
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT parts FROM messages WHERE message_id = 'm1'"));
                   parts = rows.at(0).Int(0);
                   ASSIGN_OR_RETURN(auto outbox, tx.Query("SELECT payload FROM outbox ORDER BY id"));
                   for (const auto& r : outbox) {
                     auto e = events::Unpack<v1::NotificationDelivered>(*events::ParseEnvelope(r.Text(0)));
                     if (e.ok()) delivered_parts.push_back(e->parts());
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_GE(parts, 2);
  EXPECT_THAT(delivered_parts, ::testing::ElementsAre(parts)) << "NotificationDelivered carries the parts, once";
}

TEST_P(DispatcherTest, ARefusalReportedDuringTheSubmissionKeepsTheSubmissionsReason) {
  // Kannel refuses an unroutable number in its sendsms answer and also reports it (type 16),
  // the report often arriving first (here always: it is given before Submit answers): the
  // answer's reason is the one recorded. A refusal reported early for a message that was
  // accepted still closes it once the answer is in.
  EarlyReportingProvider refusing;
  refusing.delivered = false;
  refusing.reason = "rejected";
  refusing.answer = [](const OutgoingSms& sms) -> absl::StatusOr<std::string> {
    if (sms.message_id == "m1") return absl::InvalidArgumentError("kannel: 403 Not routable");
    return std::string("accepted");
  };
  Queue("m1", "100000017");
  Queue("m2", "100000025");
  auto d = NewDispatcher(refusing);
  ASSERT_EQ(d->DispatchOnce()->failed, 1);
  EXPECT_EQ(StatusOf("m1"), "FAILED/1/rejected by the provider: kannel: 403 Not routable");
  EXPECT_EQ(StatusOf("m2"), "FAILED/1/rejected");
  EXPECT_EQ(OutboxTypes().size(), 2u);
}

TEST_P(DispatcherTest, AnAcceptedSubmissionDoesNotEraseAnEarlierFailureReport) {
  EarlyReportingProvider eager;
  eager.delivered = false;
  eager.reason = "not delivered to the phone";
  Queue("m1", "100000017");
  auto d = NewDispatcher(eager);
  ASSERT_EQ(d->DispatchOnce()->submitted, 1);
  EXPECT_EQ(StatusOf("m1"), "FAILED/1/not delivered to the phone");
}

// The provider took the message and reported it, but its answer was lost (a timeout): the report
// proves the SMS went out, so the retry closes the message with it instead of sending it again.
TEST_P(DispatcherTest, AnEarlyReportOfAMessageWhoseAnswerWasLostClosesItInsteadOfARetry) {
  EarlyReportingProvider eager;
  eager.answer = [](const OutgoingSms&) { return absl::DeadlineExceededError("sendsms: no answer"); };
  Queue("m1", "100000017");
  auto d = NewDispatcher(eager);
  ASSERT_EQ(d->DispatchOnce()->retried, 1);
  clock_.Advance(absl::Minutes(1));
  auto counts = d->DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(eager.submitted, 1) << "sent once";
  EXPECT_EQ(StatusOf("m1"), "DELIVERED/1/");
  EXPECT_THAT(OutboxTypes(), ::testing::ElementsAre("himaya.notification.v1.NotificationDelivered"));
}

TEST_P(DispatcherTest, MessagesACrashLeftMidSendAreSentAgainAndCounted) {
  Queue("m1", "100000017");
  Queue("m2", "100000025");
  // A dispatcher claimed both, then the process died before recording anything.
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return tx
                       .Execute(
                           "UPDATE messages SET status = 'SENDING', claimed_by = 'dispatcher', "
                           "attempts = 1")
                       .status();
                 })
                  .ok());
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return tx
                       .Execute("UPDATE messages SET next_attempt_at_us = $1",
                                {absl::ToUnixMicros(clock_.Now() + absl::Minutes(5))})
                       .status();
                 })
                  .ok());
  auto d = NewDispatcher();
  EXPECT_EQ(d->DispatchOnce()->submitted, 0) << "claimed messages are not due";
  EXPECT_EQ(*d->RecoverInterrupted(), 2);
  EXPECT_EQ(d->DispatchOnce()->submitted, 2);
  EXPECT_EQ(StatusOf("m1"), "SUBMITTED/2/");
}

TEST_P(DispatcherTest, ClaimsOfADeadReplicaAreTakenOverWhenTheyExpire) {
  Queue("m1", "100000017");
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return tx
                       .Execute(
                           "UPDATE messages SET status = 'SENDING', claimed_by = 'replica-b', attempts = 1, "
                           "next_attempt_at_us = $1",
                           {absl::ToUnixMicros(clock_.Now() + absl::Minutes(5))})
                       .status();
                 })
                  .ok());
  auto d = NewDispatcher({.instance_id = "replica-a"});
  EXPECT_EQ(*d->RecoverInterrupted(), 0) << "not ours";
  EXPECT_EQ(d->DispatchOnce()->submitted, 0) << "replica-b may still be sending it";
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(d->DispatchOnce()->submitted, 1);
  EXPECT_EQ(StatusOf("m1"), "SUBMITTED/2/");
}

// The provider took the message, its sender died before recording the submission, and the
// report came early (kept on the SENDING message): the report proves the SMS went out, so when
// the claim is taken over the message is closed with the report, never sent a second time.
TEST_P(DispatcherTest, AnEarlyReportOfADeadSendersMessageClosesItWhenItsClaimIsTakenOver) {
  Queue("m1", "100000017");
  Queue("m2", "100000025");
  ClaimAll("replica-b");
  auto d = NewDispatcher({.instance_id = "replica-a"});
  ASSERT_TRUE(d->OnDeliveryReport("m1", true, "").ok());
  ASSERT_TRUE(d->OnDeliveryReport("m2", false, "not delivered to the phone").ok());
  EXPECT_EQ(StatusOf("m1"), "SENDING/1/") << "kept for the record of the submission";
  clock_.Advance(absl::Minutes(5));
  auto counts = d->DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_TRUE(provider_.sent.empty()) << "the provider already took these messages";
  EXPECT_EQ(StatusOf("m1"), "DELIVERED/1/");
  EXPECT_EQ(StatusOf("m2"), "FAILED/1/not delivered to the phone");
  EXPECT_THAT(OutboxTypes(), ::testing::UnorderedElementsAre("himaya.notification.v1.NotificationDelivered",
                                                             "himaya.notification.v1.NotificationFailed"));
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(d->DispatchOnce()->submitted, 0);
  EXPECT_TRUE(provider_.sent.empty());
  EXPECT_EQ(OutboxTypes().size(), 2u) << "closed once";
}

// The same after a restart of the sender itself: the messages it left SENDING with a report are
// closed by it, not sent again, and not counted as possible duplicates.
TEST_P(DispatcherTest, AnEarlyReportOfAMessageInterruptedMidSendClosesItAfterARestart) {
  Queue("m1", "100000017");
  Queue("m2", "100000025");
  ClaimAll("dispatcher");
  auto d = NewDispatcher();
  ASSERT_TRUE(d->OnDeliveryReport("m1", true, "").ok());
  EXPECT_EQ(*d->RecoverInterrupted(), 1) << "only m2 may reach the provider twice";
  auto counts = d->DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->submitted, 1);
  ASSERT_EQ(provider_.sent.size(), 1u);
  EXPECT_EQ(provider_.sent[0].message_id, "m2");
  EXPECT_EQ(StatusOf("m1"), "DELIVERED/1/");
  EXPECT_EQ(StatusOf("m2"), "SUBMITTED/2/");
  EXPECT_THAT(OutboxTypes(), ::testing::ElementsAre("himaya.notification.v1.NotificationDelivered"));
}

TEST_P(DispatcherTest, ResendQueuesANewMessageWithAFreshCodeAndOptOutCanBeUndone) {
  Queue("m1", "100000017", "ar");
  auto d = NewDispatcher();
  ASSERT_EQ(d->DispatchOnce()->submitted, 1);
  MessageRequests requests(*db_, Templates::Shipped(), clock_, random_);
  auto again = requests.Resend("100000017", "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->language, "ar");
  EXPECT_EQ(again->template_key, "activation");
  ASSERT_EQ(d->DispatchOnce()->submitted, 1);
  ASSERT_EQ(provider_.sent.size(), 2u);
  EXPECT_THAT(provider_.sent[0].text, HasSubstr("CODE-1"));
  EXPECT_THAT(provider_.sent[1].text, HasSubstr("CODE-2")) << "a new code each time";
  EXPECT_EQ(requests.Resend("100000025", "").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(requests.Resend("100000017", "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(requests.Resend("12", "").status().code(), absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(requests.SetOptOut("100000017", "sms", true).ok());
  ASSERT_TRUE(requests.Resend("100000017", "").ok());
  EXPECT_EQ(d->DispatchOnce()->failed, 1);
  ASSERT_TRUE(requests.SetOptOut("100000017", "sms", false).ok());
  ASSERT_TRUE(requests.Resend("100000017", "").ok());
  EXPECT_EQ(d->DispatchOnce()->submitted, 1);
  EXPECT_EQ(requests.SetOptOut("100000017", "pigeon", true).code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(DispatcherTest, StartedItPutsBackWhatItLeftMidSendAndSendsWhatIsQueued) {
  Queue("m1", "100000017");
  ClaimAll("dispatcher");
  auto d = NewDispatcher();
  d->Start();
  ASSERT_TRUE(provider_.AwaitSent(1)) << "the interrupted message, put back at start";
  Queue("m2", "100000025");
  d->Queued("amo-tns", "sms", "activation");
  ASSERT_TRUE(provider_.AwaitSent(2)) << "a message queued while it runs";
  d->Stop();
  EXPECT_EQ(StatusOf("m1"), "SUBMITTED/2/");
  EXPECT_EQ(StatusOf("m2"), "SUBMITTED/1/");
}

INSTANTIATE_BACKENDS(DispatcherTest);

TEST(QuietHours, ParsesTheFlagAndRefusesNonsense) {
  auto night = ParseQuietHours("21:30-08:00");
  ASSERT_TRUE(night.ok());
  EXPECT_EQ(night->first, absl::Hours(21) + absl::Minutes(30));
  EXPECT_EQ(night->second, absl::Hours(8));
  EXPECT_EQ(ParseQuietHours("")->first, absl::ZeroDuration());
  for (const char* bad : {"21-08", "24:00-08:00", "21:00", "21:00-8:5", "21:60-08:00", "a:b-c:d"}) {
    EXPECT_EQ(ParseQuietHours(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace himaya::notification
