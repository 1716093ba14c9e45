// ClaimDecided and ClaimPaid -> one SMS each to the insured, through the inbox, on both backends:
// recorded once per event with what its template needs, in the audience's language, and sent by
// the dispatcher with the outcome in words and the amount in dirhams.
#include "notification/src/claim_messages.h"

#include <algorithm>

#include "events/inbox.h"
#include "events/outbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/events.pb.h"
#include "notification/src/audience_store.h"
#include "notification/src/dispatcher.h"
#include "notification/src/message_store.h"
#include "notification/test/dispatch_fakes.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

using himaya::claims::v1::ClaimDecided;
using himaya::claims::v1::ClaimPaid;
using himaya::claims::v1::ClaimSubmitted;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class ClaimMessagesTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 2, 10, 0, 0), absl::UTCTimeZone()));
  }
  // A message as the claims topic carries it.
  template <typename Event>
  events::ConsumedMessage Consumed(const Event& e, int64_t offset = 0) {
    events::Envelope env = events::NewEnvelope({"claims", &clock_, &random_}, e, "amo-tns", e.registration_number());
    return {"himaya.claims.amo-tns.v1", 0, offset, e.registration_number(), env.SerializeAsString()};
  }
  ClaimDecided Decided(const std::string& claim_id, const std::string& number, const std::string& outcome,
                       int64_t reimbursed) {
    ClaimDecided e;
    e.set_claim_id(claim_id);
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_outcome(outcome);
    e.set_items_accepted(2);
    e.set_items_rejected(outcome == "PARTIAL" ? 1 : 0);
    e.set_claimed_centimes(20000);
    e.set_reimbursed_centimes(reimbursed);
    return e;
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{11};
  std::vector<std::string> recorded_;  // program/template of each message announced as recorded
  ClaimMessages applier_{clock_, random_, [this](const std::string& program, const std::string& template_key) {
                           recorded_.push_back(program + "/" + template_key);
                         }};
};

TEST_P(ClaimMessagesTest, ADecisionIsOneMessageInTheInsuredsLanguageHoweverOftenDelivered) {
  InAudience("100000017", "ar", clock_.Now());
  events::InboxHandler inbox(*db_, "notification-claims", applier_, clock_);
  events::ConsumedMessage m = Consumed(Decided("F-2026-000001", "100000017", "PARTIAL", 12345));
  EXPECT_EQ(*inbox.Process(m), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(m), events::Outcome::kDuplicate);
  std::vector<Message> messages = MessagesOf("100000017");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].template_key, "claim_decided");
  EXPECT_EQ(messages[0].channel, "sms");
  EXPECT_EQ(messages[0].language, "ar");
  EXPECT_EQ(messages[0].program, "amo-tns");
  EXPECT_EQ(messages[0].status, MessageStatus::kPending);
  std::vector<DueMessage> due = DueAt(clock_.Now());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_THAT(due[0].message.template_values,
              ElementsAre(Pair("amount", "123.45"), Pair("claim_id", "F-2026-000001"), Pair("outcome", "PARTIAL")));
  EXPECT_EQ(recorded_, std::vector<std::string>{"amo-tns/claim_decided"}) << "once, after its commit";
}

TEST_P(ClaimMessagesTest, EvenWithoutTheInboxAnEventYieldsOneMessage) {
  events::Envelope env = *events::ParseEnvelope(Consumed(Decided("F1", "100000017", "ACCEPTED", 100)).value);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return applier_.Apply(tx, env); }).ok());
    applier_.Finished(true);
  }
  EXPECT_EQ(MessagesOf("100000017").size(), 1u);
  EXPECT_EQ(recorded_.size(), 1u);
}

TEST_P(ClaimMessagesTest, APaymentIsAClaimPaidMessageWithTheAmountPaid) {
  InAudience("100000017", "fr", clock_.Now());
  events::InboxHandler inbox(*db_, "notification-claims", applier_, clock_);
  ClaimPaid paid;
  paid.set_claim_id("F-2026-000001");
  paid.set_registration_number("100000017");
  paid.set_program("amo-tns");
  paid.set_run_id("RUN-1");
  paid.set_paid_centimes(8010);
  EXPECT_EQ(*inbox.Process(Consumed(paid)), events::Outcome::kApplied);
  std::vector<DueMessage> due = DueAt(clock_.Now());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].message.template_key, "claim_paid");
  EXPECT_EQ(due[0].message.language, "fr");
  EXPECT_THAT(due[0].message.template_values, ElementsAre(Pair("amount", "80.10"), Pair("claim_id", "F-2026-000001")));
}

TEST_P(ClaimMessagesTest, APersonTheAudienceDoesNotKnowGetsTheLanguageAtSendTime) {
  events::InboxHandler inbox(*db_, "notification-claims", applier_, clock_);
  EXPECT_EQ(*inbox.Process(Consumed(Decided("F1", "100000017", "ACCEPTED", 100))), events::Outcome::kApplied);
  ASSERT_EQ(MessagesOf("100000017").size(), 1u);
  EXPECT_EQ(MessagesOf("100000017")[0].language, "");
}

TEST_P(ClaimMessagesTest, OtherEventsChangeNothingAndBrokenOnesAreRejected) {
  events::InboxHandler inbox(*db_, "notification-claims", applier_, clock_);
  ClaimSubmitted submitted;
  submitted.set_claim_id("F1");
  submitted.set_registration_number("100000017");
  EXPECT_EQ(*inbox.Process(Consumed(submitted)), events::Outcome::kApplied);
  int64_t offset = 1;
  for (const ClaimDecided& bad : {Decided("", "100000017", "ACCEPTED", 100), Decided("F2", "", "ACCEPTED", 100),
                                  Decided("F3", "100000017", "MAYBE", 100), Decided("F4", "100000017", "", 100),
                                  Decided("F5", "100000017", "ACCEPTED", -1)}) {
    EXPECT_EQ(*inbox.Process(Consumed(bad, offset++)), events::Outcome::kRejected) << bad.ShortDebugString();
  }
  ClaimPaid unpaid;
  unpaid.set_claim_id("F6");
  unpaid.set_registration_number("100000017");
  unpaid.set_paid_centimes(-5);
  EXPECT_EQ(*inbox.Process(Consumed(unpaid, offset++)), events::Outcome::kRejected);
  EXPECT_TRUE(MessagesOf("100000017").empty());
  EXPECT_TRUE(MessagesOf("").empty());
  EXPECT_TRUE(recorded_.empty());
}

TEST_P(ClaimMessagesTest, NothingIsAnnouncedForATransactionRolledBack) {
  events::Envelope env = *events::ParseEnvelope(Consumed(Decided("F1", "100000017", "ACCEPTED", 100)).value);
  absl::Status rolled_back = db_->Write([&](storage::Transaction& tx) -> absl::Status {
    if (absl::Status s = applier_.Apply(tx, env); !s.ok()) return s;
    return absl::InvalidArgumentError("another event of the batch");
  });
  EXPECT_FALSE(rolled_back.ok());
  applier_.Finished(false);
  EXPECT_TRUE(recorded_.empty());
  EXPECT_TRUE(MessagesOf("100000017").empty());
}

// Recorded from the events, then sent: the text says the outcome in words of the person's
// language and the amount in dirhams, and is never stored.
TEST_P(ClaimMessagesTest, TheDispatcherSendsTheDecisionInThePersonsLanguage) {
  InAudience("100000017", "fr", clock_.Now());
  InAudience("100000025", "ar", clock_.Now());
  events::InboxHandler inbox(*db_, "notification-claims", applier_, clock_);
  EXPECT_EQ(*inbox.Process(Consumed(Decided("F-FR", "100000017", "PARTIAL", 12345), 0)), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(Consumed(Decided("F-AR", "100000025", "REJECTED", 0), 1)), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(Consumed(Decided("F-XX", "100000033", "ACCEPTED", 5000), 2)), events::Outcome::kApplied);
  FakeProvider provider;
  FakeDirectory directory;
  directory.phones = {{"100000017", "+212612345678"}, {"100000025", "+212712345678"}, {"100000033", "+212661000000"}};
  directory.languages = {{"100000033", "ar"}};
  Dispatcher dispatcher(*db_, provider, directory, Templates::Shipped(),
                        events::EventSource{"notification", &clock_, &random_}, DispatchOptions{});
  auto counts = dispatcher.DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->submitted, 3);
  std::map<std::string, std::string> text_to;
  for (const OutgoingSms& sms : provider.sent) text_to[sms.to] = sms.text;
  EXPECT_THAT(text_to["+212612345678"], HasSubstr("F-FR est accepte en partie. Montant rembourse: 123.45 DH"));
  EXPECT_THAT(text_to["+212712345678"], HasSubstr("F-AR مرفوض"));
  EXPECT_THAT(text_to["+212712345678"], HasSubstr("0.00"));
  EXPECT_THAT(text_to["+212661000000"], HasSubstr("F-XX مقبول")) << "registration's language, at send time";
  EXPECT_THAT(text_to["+212661000000"], HasSubstr("50.00"));
  EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   auto rows = tx.Query("SELECT * FROM messages");
                   if (!rows.ok()) return rows.status();
                   for (const auto& r : *rows) {
                     for (size_t c = 0; c < r.size(); ++c) {
                       EXPECT_EQ(r.Text(c).find("Montant"), std::string::npos) << "the text is never stored";
                       EXPECT_EQ(r.Text(c).find("612345678"), std::string::npos) << "nor the phone";
                     }
                   }
                   return absl::OkStatus();
                 })
                  .ok());
}

INSTANTIATE_BACKENDS(ClaimMessagesTest);

}  // namespace
}  // namespace himaya::notification
