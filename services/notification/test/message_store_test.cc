// The message store on both backends: messages recorded once per event and channel, read back
// by person and by id, and the dispatcher's claims, submissions, kept reports and closings.
#include "notification/src/message_store.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/scrape.h"
#include "notification/src/message_figures.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"

namespace himaya::notification {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class MessageStoreTest : public NotificationDatabaseTest {
 protected:
  Message Pending(const std::string& id, const std::string& number, absl::Time at) {
    return Message{id, number, "amo-tns", "sms", "activation", "fr", MessageStatus::kPending, "event-" + id, at};
  }
  Message Get(const std::string& id) {
    auto m = InWrite([&](storage::Transaction& tx) { return MessageStore::Find(tx, id); });
    EXPECT_TRUE(m.has_value()) << id;
    return m.value_or(Message{});
  }
  const absl::Time t0_ = absl::FromUnixSeconds(1'650'000'000);
};

TEST_P(MessageStoreTest, RecordsOneMessagePerEventAndChannelAndReadsThemBack) {
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::InsertOnce(tx, Pending("m2", "100000017", t0_ + absl::Seconds(1)));
  }));
  EXPECT_TRUE(
      InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending("m1", "100000017", t0_)); }));
  Message again = Pending("m3", "100000017", t0_);
  again.source_event_id = "event-m1";
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, again); }))
      << "the same event on the same channel";
  auto mine = InWrite([&](storage::Transaction& tx) { return MessageStore::ForPerson(tx, "100000017"); });
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].message_id, "m1") << "oldest first";
  EXPECT_EQ(mine[0].status, MessageStatus::kPending);
  EXPECT_EQ(mine[0].created_at, t0_);
  EXPECT_EQ(mine[1].message_id, "m2");
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::ForPerson(tx, "100000025"); }).empty());
  EXPECT_EQ(Get("m1").template_key, "activation");
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return MessageStore::Find(tx, "nope"); }).has_value());
}

TEST_P(MessageStoreTest, FiguresCountMessagesByProgramChannelAndStatus) {
  for (const char* id : {"f1", "f2", "f3"}) {
    EXPECT_TRUE(
        InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending(id, "100000017", t0_)); }));
  }
  Message tadamon = Pending("f4", "100000025", t0_);
  tadamon.program = "amo-tadamon";
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, tadamon); }));
  testing::Execute(*db_, "UPDATE messages SET status = 'DELIVERED' WHERE message_id IN ('f1', 'f2')");
  prometheus::Registry registry;
  MessageFigures figures(*db_, registry);
  ASSERT_TRUE(figures.Refresh().ok());
  const std::string name = "himaya_notification_messages_by_status";
  EXPECT_EQ(metrics::RegistrySum(registry, name, {{"program", "amo-tns"}, {"channel", "sms"}, {"status", "DELIVERED"}}),
            2);
  EXPECT_EQ(metrics::RegistrySum(registry, name, {{"program", "amo-tns"}, {"status", "PENDING"}}), 1);
  EXPECT_EQ(metrics::RegistrySum(registry, name, {{"program", "amo-tadamon"}, {"status", "PENDING"}}), 1);
  testing::Execute(*db_, "UPDATE messages SET status = 'DELIVERED'");
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(metrics::RegistrySum(registry, name, {{"status", "PENDING"}}), 0) << "none pending any more";
  EXPECT_EQ(metrics::RegistrySum(registry, name, {{"status", "DELIVERED"}}), 4);
}

TEST_P(MessageStoreTest, TemplateValuesComeBackWithTheDueMessage) {
  Message decided = Pending("v1", "100000017", t0_);
  decided.template_key = "claim_decided";
  decided.template_values = {{"claim_id", "F-2026-0001"}, {"outcome", "PARTIAL"}, {"amount", "123.45"}};
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, decided); }));
  EXPECT_TRUE(
      InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending("v2", "100000025", t0_)); }));
  auto due = InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); });
  ASSERT_EQ(due.size(), 2u);
  std::map<std::string, std::map<std::string, std::string>> values;
  for (const DueMessage& d : due) values[d.message.message_id] = d.message.template_values;
  EXPECT_THAT(values["v1"],
              ElementsAre(Pair("amount", "123.45"), Pair("claim_id", "F-2026-0001"), Pair("outcome", "PARTIAL")));
  EXPECT_TRUE(values["v2"].empty()) << "an activation message keeps none";
}

TEST_P(MessageStoreTest, UnreadableTemplateValuesLeaveTheOthersDue) {
  EXPECT_TRUE(
      InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending("v1", "100000017", t0_)); }));
  for (const char* bad : {"{not json", "[1, 2]", R"({"claim_id": 7, "outcome": "ACCEPTED"})"}) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return tx.Execute("UPDATE messages SET template_values = $1", {bad}).status();
                   })
                    .ok());
    auto due = InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); });
    ASSERT_EQ(due.size(), 1u) << bad;
    EXPECT_EQ(due[0].message.template_values.count("claim_id"), 0u) << bad;
  }
}

TEST_P(MessageStoreTest, ACampaignsMessagesAreRecordedTogetherAndCountedByStatus) {
  std::vector<Message> messages = {Pending("c1", "100000017", t0_), Pending("c2", "100000025", t0_)};
  for (Message& m : messages) m.campaign_id = "camp";
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertManyOnce(tx, messages); }), 2);
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertManyOnce(tx, messages); }), 0)
      << "each once";
  EXPECT_EQ(Get("c1").campaign_id, "camp");
  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return MessageStore::Close(tx, "c1", false, t0_, "no phone known"); })
          .ok());
  EXPECT_THAT(InWrite([&](storage::Transaction& tx) { return MessageStore::CountByStatus(tx, "camp"); }),
              ElementsAre(Pair("FAILED", 1), Pair("PENDING", 1)));
  EXPECT_EQ(Get("c1").last_error, "no phone known");
}

TEST_P(MessageStoreTest, AClaimTakesOnlyADueMessageAsItWasRead) {
  ASSERT_TRUE(
      InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending("m1", "100000017", t0_)); }));
  auto due = InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); });
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].message.status, MessageStatus::kPending);
  EXPECT_FALSE(due[0].early_report.has_value());
  const absl::Time until = t0_ + absl::Minutes(5);
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::Claim(tx, "m1", MessageStatus::kPending, "a", t0_, until);
  }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::Claim(tx, "m1", MessageStatus::kPending, "b", t0_, until);
  })) << "no longer as read";
  EXPECT_EQ(Get("m1").status, MessageStatus::kSending);
  EXPECT_EQ(Get("m1").attempts, 1);
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); }).empty())
      << "claimed until its claim expires";
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, until, 10); }).size(), 1u);

  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return MessageStore::GiveBack(tx, "m1"); }).ok());
  EXPECT_EQ(Get("m1").status, MessageStatus::kPending);
  EXPECT_EQ(Get("m1").attempts, 0) << "a message given back spent no attempt";

  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::Claim(tx, "m1", MessageStatus::kPending, "a", t0_, until);
  }));
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return MessageStore::RetryAt(tx, "m1", t0_ + absl::Seconds(30), "smsc link down");
                 })
                  .ok());
  EXPECT_EQ(Get("m1").last_error, "smsc link down");
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); }).empty());
  EXPECT_EQ(
      InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_ + absl::Seconds(30), 10); }).size(), 1u);
}

TEST_P(MessageStoreTest, AReportKeptOnASendingMessageStopsItsClaimAndComesBackWithItsSubmission) {
  ASSERT_TRUE(
      InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending("m1", "100000017", t0_)); }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::KeepEarlyReport(tx, "m1", {true, ""});
  })) << "kept only while SENDING";
  ASSERT_TRUE(InWrite(
      [&](storage::Transaction& tx) { return MessageStore::Claim(tx, "m1", MessageStatus::kPending, "a", t0_, t0_); }));
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::KeepEarlyReport(tx, "m1", {false, "not delivered to the phone"});
  }));
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::KeepEarlyReport(tx, "m1", {true, ""}); }));
  auto due = InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); });
  ASSERT_EQ(due.size(), 1u);
  ASSERT_TRUE(due[0].early_report.has_value());
  EXPECT_FALSE(due[0].early_report->delivered) << "the first report wins";
  EXPECT_EQ(due[0].early_report->reason, "not delivered to the phone");
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::Claim(tx, "m1", MessageStatus::kSending, "b", t0_, t0_);
  })) << "a reported message is not claimed to be sent again";
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::TakeReported(tx, "m1", MessageStatus::kSending, "b", t0_);
  }));
  EXPECT_EQ(Get("m1").attempts, 1) << "taking a reported message spends no attempt";

  auto recorded = InWrite([&](storage::Transaction& tx) {
    return MessageStore::RecordSubmitted(tx, {"m1", "kannel", "p-1", 3, "ucs2", 2, t0_});
  });
  ASSERT_TRUE(recorded.has_value());
  EXPECT_EQ(recorded->status, MessageStatus::kSubmitted);
  ASSERT_TRUE(recorded->early_report.has_value());
  EXPECT_EQ(recorded->early_report->reason, "not delivered to the phone");
  EXPECT_EQ(Get("m1").parts, 3);
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
                 return MessageStore::RecordSubmitted(tx, {"nope", "kannel", "p-2", 1, "gsm7", 2, t0_});
               }).has_value());

  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return MessageStore::Close(tx, "m1", true, t0_, "ignored"); }).ok());
  auto after = InWrite([&](storage::Transaction& tx) {
    return MessageStore::RecordSubmitted(tx, {"m1", "kannel", "p-1", 3, "ucs2", 2, t0_});
  });
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, MessageStatus::kDelivered) << "a closed message keeps its status";
  EXPECT_EQ(Get("m1").last_error, "");
}

TEST_P(MessageStoreTest, AnInstancesInterruptedMessagesArePutBackUnlessReported) {
  for (const char* id : {"m1", "m2", "m3"}) {
    ASSERT_TRUE(
        InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, Pending(id, "100000017", t0_)); }));
  }
  const absl::Time until = t0_ + absl::Minutes(5);
  for (const char* id : {"m1", "m2"}) {
    ASSERT_TRUE(InWrite([&](storage::Transaction& tx) {
      return MessageStore::Claim(tx, id, MessageStatus::kPending, "a", t0_, until);
    }));
  }
  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::Claim(tx, "m3", MessageStatus::kPending, "b", t0_, until);
  }));
  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::KeepEarlyReport(tx, "m2", {true, ""}); }));
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return MessageStore::PutBackInterrupted(tx, "a"); }), 1);
  EXPECT_EQ(Get("m1").status, MessageStatus::kPending);
  EXPECT_EQ(Get("m2").status, MessageStatus::kSending);
  EXPECT_EQ(Get("m3").status, MessageStatus::kSending) << "another instance's claim";
  auto due = InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, t0_, 10); });
  ASSERT_EQ(due.size(), 2u) << "m1 to send, m2 to close with its report";
  EXPECT_TRUE(due[0].early_report.has_value() != due[1].early_report.has_value());
}

TEST_P(MessageStoreTest, OptOutsStopAndAllowAgainPerChannel) {
  auto opted_out = [&](const char* channel) {
    return InWrite([&](storage::Transaction& tx) { return MessageStore::OptedOut(tx, "100000017", channel); });
  };
  EXPECT_FALSE(opted_out("sms"));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return MessageStore::SetOptOut(tx, "100000017", "sms", true, t0_); })
            .ok());
  }
  EXPECT_TRUE(opted_out("sms"));
  EXPECT_FALSE(opted_out("email"));
  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return MessageStore::SetOptOut(tx, "100000017", "sms", false, t0_); })
          .ok());
  EXPECT_FALSE(opted_out("sms"));
}

TEST(MessageStatusNames, RoundTrip) {
  for (MessageStatus s : {MessageStatus::kPending, MessageStatus::kSending, MessageStatus::kSubmitted,
                          MessageStatus::kDelivered, MessageStatus::kFailed}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s) << StatusName(s);
  }
  EXPECT_EQ(ParseStatus("whatever"), MessageStatus::kPending);
}

INSTANTIATE_BACKENDS(MessageStoreTest);

}  // namespace
}  // namespace himaya::notification
