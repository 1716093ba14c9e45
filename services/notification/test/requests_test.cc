// What persons and agents ask, on both backends: a person's messages, opt-outs, and resends in
// the language and program of their last message; malformed numbers refused first.
#include "notification/src/requests.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "notification/src/message_store.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

class RequestsTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromUnixSeconds(1'650'000'000));
    requests_ = std::make_unique<MessageRequests>(
        *db_, Templates::Shipped(), clock_, random_,
        [this](const std::string& program, const std::string& template_key, int64_t n) {
          queued_.push_back(absl::StrCat(program, "/", template_key, "/", n));
        });
  }
  void Record(const std::string& id, const std::string& language, const std::string& program) {
    Message m{id,          "100000017", program, "sms", "activation", language, MessageStatus::kPending, "event-" + id,
              clock_.Now()};
    ASSERT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, m); }));
    clock_.Advance(absl::Seconds(1));
  }
  bool OptedOut(const std::string& number) {
    return InWrite([&](storage::Transaction& tx) { return MessageStore::OptedOut(tx, number, "sms"); });
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{3};
  std::vector<std::string> queued_;
  std::unique_ptr<MessageRequests> requests_;
};

TEST_P(RequestsTest, ListsAPersonsMessagesOldestFirst) {
  Record("m1", "fr", "amo-tns");
  Record("m2", "ar", "amo-tns");
  auto messages = requests_->List("100000017");
  ASSERT_TRUE(messages.ok()) << messages.status();
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].message_id, "m1");
  EXPECT_EQ((*messages)[1].message_id, "m2");
  EXPECT_TRUE(requests_->List("100000025")->empty());
}

TEST_P(RequestsTest, ResendQueuesTheTemplateInTheLanguageAndProgramOfTheLastMessage) {
  EXPECT_EQ(requests_->Resend("100000017", "").status().code(), absl::StatusCode::kFailedPrecondition)
      << "no message yet";
  Record("m1", "fr", "amo-tns");
  Record("m2", "ar", "amo-asi");
  auto again = requests_->Resend("100000017", "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->template_key, "activation") << "the default";
  EXPECT_EQ(again->language, "ar");
  EXPECT_EQ(again->program, "amo-asi");
  EXPECT_EQ(again->status, MessageStatus::kPending);
  EXPECT_EQ(queued_, std::vector<std::string>{"amo-asi/activation/1"});
  EXPECT_EQ(requests_->List("100000017")->size(), 3u);
  EXPECT_EQ(requests_->Resend("100000017", "reminder")->template_key, "reminder");
  EXPECT_EQ(requests_->Resend("100000017", "nope").status().code(), absl::StatusCode::kNotFound);
  for (const char* key : {"claim_decided", "claim_paid"}) {
    EXPECT_EQ(requests_->Resend("100000017", key).status().code(), absl::StatusCode::kFailedPrecondition)
        << key << " needs its claim, which only its event gives";
  }
  EXPECT_EQ(requests_->List("100000017")->size(), 4u);
}

TEST_P(RequestsTest, OptOutOnlyOnSmsAndUndone) {
  ASSERT_TRUE(requests_->SetOptOut("100000017", "sms", true).ok());
  EXPECT_TRUE(OptedOut("100000017"));
  EXPECT_EQ(requests_->SetOptOut("100000017", "pigeon", true).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(requests_->SetOptOut("100000017", "sms", false).ok());
  EXPECT_FALSE(OptedOut("100000017"));
}

TEST_P(RequestsTest, ANumberWithAWrongCheckDigitIsRefusedLikeAMalformedOne) {
  for (const char* number : {"100000018", "12"}) {  // 100000017 is valid
    absl::Status opt_out = requests_->SetOptOut(number, "sms", true);
    EXPECT_EQ(opt_out.code(), absl::StatusCode::kInvalidArgument) << number;
    EXPECT_EQ(opt_out.message(), "registration_number: must be 9 digits with a valid check digit") << number;
    EXPECT_EQ(requests_->Resend(number, "").status().message(), opt_out.message()) << number;
    EXPECT_EQ(requests_->List(number).status().message(), opt_out.message()) << number;
  }
}

INSTANTIATE_BACKENDS(RequestsTest);

}  // namespace
}  // namespace himaya::notification
