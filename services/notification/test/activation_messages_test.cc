// PersonRegistered -> one activation message, through the inbox, on both backends.
#include "notification/src/activation_messages.h"

#include "events/inbox.h"
#include "events/outbox.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "notification/src/message_store.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

using himaya::registration::v1::PersonRegistered;

class ActivationMessagesTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
  }
  events::ConsumedMessage Registered(const std::string& number, const std::string& language) {
    PersonRegistered e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_preferred_language(language);
    events::Envelope env = events::NewEnvelope({"registration", &clock_, &random_}, e, "amo-tns", number);
    return {"himaya.registration.amo-tns.v1", 0, 0, number, env.SerializeAsString()};
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

TEST_P(ActivationMessagesTest, OtherEventTypesChangeNothingAndBrokenOnesAreRejected) {
  ActivationMessages applier(clock_, random_);
  events::InboxHandler inbox(*db_, "notification", applier, clock_);
  google::protobuf::Timestamp other;
  events::Envelope env = events::NewEnvelope({"registration", &clock_, &random_}, other, "amo-tns", "x");
  EXPECT_EQ(*inbox.Process({"t", 0, 1, "x", env.SerializeAsString()}), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(Registered("", "fr")), events::Outcome::kRejected);
}

INSTANTIATE_BACKENDS(ActivationMessagesTest);

}  // namespace
}  // namespace himaya::notification
