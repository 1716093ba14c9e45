// PersonRegistered -> one activation message, through the inbox, on both backends;
// ActivationCodeRequested -> one SMS with a fresh code per request, none for an open account.
#include "notification/src/activation_messages.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "events/inbox.h"
#include "events/outbox.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "notification/src/audience_store.h"
#include "notification/src/dispatcher.h"
#include "notification/src/message_store.h"
#include "notification/src/templates.h"
#include "notification/test/dispatch_fakes.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

using himaya::registration::v1::AccountActivated;
using himaya::registration::v1::ActivationCodeRequested;
using himaya::registration::v1::PersonRegistered;

class ActivationMessagesTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
  }
  // `event` about `number` as the consumer reads it (a new event id each time).
  events::ConsumedMessage Consumed(const google::protobuf::Message& event, const std::string& number) {
    events::Envelope env = events::NewEnvelope({"registration", &clock_, &random_}, event, "amo-tns", number);
    return {"himaya.registration.amo-tns.v1", 0, 0, number, env.SerializeAsString()};
  }
  events::ConsumedMessage Registered(const std::string& number, const std::string& language) {
    PersonRegistered e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_preferred_language(language);
    return Consumed(e, number);
  }
  // A request for a new code.
  events::ConsumedMessage CodeRequested(const std::string& number, const std::string& request_id) {
    ActivationCodeRequested e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_request_id(request_id);
    return Consumed(e, number);
  }
  events::ConsumedMessage Activated(const std::string& number) {
    AccountActivated e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    return Consumed(e, number);
  }
  std::vector<Message> MessagesOf(const std::string& number) {
    std::vector<Message> out;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     auto m = MessageStore::ForPerson(tx, number);
                     if (m.ok()) out = *m;
                     return m.status();
                   })
                    .ok());
    return out;
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{5};
};

TEST_P(ActivationMessagesTest, OneEventOneMessageHoweverOftenDelivered) {
  ActivationMessages applier(clock_, random_);
  events::InboxHandler inbox(*db_, "notification", applier, clock_);
  events::ConsumedMessage m = Registered("100000017", "ar");
  EXPECT_EQ(*inbox.Process(m), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(m), events::Outcome::kDuplicate);
  std::vector<Message> messages = MessagesOf("100000017");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].template_key, "activation");
  EXPECT_EQ(messages[0].channel, "sms");
  EXPECT_EQ(messages[0].language, "ar");
  EXPECT_EQ(messages[0].status, MessageStatus::kPending);
}

TEST_P(ActivationMessagesTest, EvenWithoutTheInboxAnEventYieldsOneMessagePerChannel) {
  ActivationMessages applier(clock_, random_);
  events::ConsumedMessage m = Registered("100000017", "fr");
  events::Envelope env = *events::ParseEnvelope(m.value);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return applier.Apply(tx, env); }).ok());
  }
  EXPECT_EQ(MessagesOf("100000017").size(), 1u);
}

TEST_P(ActivationMessagesTest, ABatchIsAppliedInOrderWithOneMessagePerRegistration) {
  int recorded = 0;
  ActivationMessages applier(clock_, random_, [&](const std::string&, const std::string&) { ++recorded; });
  events::InboxHandler inbox(*db_, "notification", applier, clock_);
  // More registrations than one statement's rows, an activation in their midst (of a person
  // registered earlier in the batch), an event met twice, a request for a new code.
  std::vector<events::ConsumedMessage> batch;
  for (int i = 0; i < 700; ++i) batch.push_back(Registered(absl::StrCat(200000000 + i), i % 2 ? "ar" : "fr"));
  batch.push_back(Activated("200000003"));
  batch.push_back(Registered("200000700", "fr"));
  batch.push_back(batch[5]);
  batch.push_back(CodeRequested("200000003", "request-1"));  // the account is open: no SMS
  batch.push_back(CodeRequested("200000004", "request-2"));
  absl::Status error;
  ASSERT_EQ(inbox.HandleBatch(batch, &error), batch.size()) << error;
  EXPECT_EQ(recorded, 702) << "701 registrations and one request, each counted once";
  EXPECT_EQ(MessagesOf("200000005").size(), 1u);
  EXPECT_EQ(MessagesOf("200000004").size(), 2u);
  EXPECT_EQ(MessagesOf("200000003").size(), 1u);
  EXPECT_EQ(MessagesOf("200000001")[0].language, "ar");
  EXPECT_EQ(MessagesOf("200000700")[0].language, "fr");
  bool activated = false;
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(activated, AudienceStore::IsActivated(tx, "200000003"));
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_TRUE(activated) << "the activation, after its registration in the same batch, is applied after it";
  // Delivered again whole (a consumer restarted before storing its offsets): nothing new.
  ASSERT_EQ(inbox.HandleBatch(batch, &error), batch.size()) << error;
  EXPECT_EQ(recorded, 702);
  EXPECT_EQ(MessagesOf("200000699").size(), 1u);
}

TEST_P(ActivationMessagesTest, OtherEventTypesChangeNothingAndBrokenOnesAreRejected) {
  ActivationMessages applier(clock_, random_);
  events::InboxHandler inbox(*db_, "notification", applier, clock_);
  google::protobuf::Timestamp other;
  events::Envelope env = events::NewEnvelope({"registration", &clock_, &random_}, other, "amo-tns", "x");
  EXPECT_EQ(*inbox.Process({"t", 0, 1, "x", env.SerializeAsString()}), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(Registered("", "fr")), events::Outcome::kRejected);
}

TEST_P(ActivationMessagesTest, EachRequestForANewCodeSendsExactlyOneSmsWithAFreshCode) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 1, 10, 0, 0), absl::UTCTimeZone()));  // not quiet hours
  ActivationMessages applier(clock_, random_);
  events::InboxHandler inbox(*db_, "notification", applier, clock_);
  ASSERT_EQ(*inbox.Process(Registered("100000017", "ar")), events::Outcome::kApplied);
  FakeProvider provider;
  FakeDirectory directory;
  directory.phones = {{"100000017", "+212612345678"}};
  Dispatcher dispatcher(*db_, provider, directory, Templates::Shipped(),
                        events::EventSource{"notification", &clock_, &random_}, DispatchOptions{});
  ASSERT_TRUE(dispatcher.DispatchOnce().ok());
  ASSERT_EQ(provider.sent.size(), 1u) << "the first SMS, at registration";

  const events::ConsumedMessage first = CodeRequested("100000017", "request-1");
  EXPECT_EQ(*inbox.Process(first), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(first), events::Outcome::kDuplicate) << "the same event delivered again";
  EXPECT_EQ(*inbox.Process(CodeRequested("100000017", "request-1")), events::Outcome::kApplied)
      << "the same request published again under another event id";
  ASSERT_TRUE(dispatcher.DispatchOnce().ok());
  ASSERT_EQ(provider.sent.size(), 2u) << "one SMS for the request";
  EXPECT_EQ(provider.sent[1].to, "+212612345678");
  EXPECT_EQ(provider.sent[1].encoding, SmsEncoding::kUcs2) << "in the person's language, Arabic";
  EXPECT_NE(provider.sent[1].text.find("CODE-2"), std::string::npos) << "a fresh code: " << provider.sent[1].text;

  EXPECT_EQ(*inbox.Process(CodeRequested("100000017", "request-2")), events::Outcome::kApplied);
  ASSERT_TRUE(dispatcher.DispatchOnce().ok());
  EXPECT_EQ(provider.sent.size(), 3u) << "another request, another SMS";
  std::vector<Message> messages = MessagesOf("100000017");
  ASSERT_EQ(messages.size(), 3u);
  for (const Message& m : messages) EXPECT_EQ(m.template_key, "activation");
}

TEST_P(ActivationMessagesTest, NoNewCodeForAnAccountOpenedMeanwhileAndBrokenRequestsAreRejected) {
  ActivationMessages applier(clock_, random_);
  events::InboxHandler inbox(*db_, "notification", applier, clock_);
  ASSERT_EQ(*inbox.Process(Registered("100000017", "fr")), events::Outcome::kApplied);
  ASSERT_EQ(*inbox.Process(Activated("100000017")), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(CodeRequested("100000017", "request-1")), events::Outcome::kApplied);
  EXPECT_EQ(MessagesOf("100000017").size(), 1u) << "only the first, at registration";

  EXPECT_EQ(*inbox.Process(CodeRequested("100000025", "request-2")), events::Outcome::kApplied);
  ASSERT_EQ(MessagesOf("100000025").size(), 1u) << "a person not in the audience yet still gets it";
  EXPECT_EQ(MessagesOf("100000025")[0].language, "") << "in registration's language, asked at send time";

  EXPECT_EQ(*inbox.Process(CodeRequested("", "request-3")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox.Process(CodeRequested("100000033", "")), events::Outcome::kRejected);
}

INSTANTIATE_BACKENDS(ActivationMessagesTest);

}  // namespace
}  // namespace himaya::notification
