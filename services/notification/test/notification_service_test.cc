// The gRPC edge on both backends, through a real server and stub: requests become domain calls,
// domain answers become protos (every field), and domain errors keep their codes.
#include "notification/src/notification_service.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "notification/src/campaign_store.h"
#include "notification/src/message_store.h"
#include "notification/test/notification_database.h"
#include "rpc/call.h"
#include "rpc/server.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

using google::protobuf::util::TimeUtil;
using Stub = v1::NotificationService::Stub;

class NotificationServiceTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromUnixSeconds(1'650'000'000));
    requests_ = std::make_unique<MessageRequests>(*db_, Templates::Shipped(), clock_, random_);
    campaigns_ = std::make_unique<Campaigns>(*db_, Templates::Shipped(), clock_, random_);
    service_ = std::make_unique<NotificationService>(*requests_, *campaigns_, pool_);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{11};
  core::ThreadPool pool_{2};
  std::unique_ptr<MessageRequests> requests_;
  std::unique_ptr<Campaigns> campaigns_;
  std::unique_ptr<NotificationService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(NotificationServiceTest, ListMessagesGivesEveryFieldOfEachMessage) {
  Message m{"m1", "100000017", "amo-tns", "sms", "activation", "ar", MessageStatus::kPending, "event-1", clock_.Now()};
  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, m); }));
  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::Claim(tx, "m1", MessageStatus::kPending, "a", clock_.Now(), clock_.Now());
  }));
  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) {
    return MessageStore::RecordSubmitted(tx, {"m1", "fake", "p-1", 2, "ucs2", 1, clock_.Now()});
  }));
  v1::ListMessagesRequest request;
  request.set_registration_number("100000017");
  auto response = rpc::Call(*stub_, &Stub::ListMessages, request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->messages_size(), 1);
  const v1::Message& got = response->messages(0);
  EXPECT_EQ(got.message_id(), "m1");
  EXPECT_EQ(got.registration_number(), "100000017");
  EXPECT_EQ(got.program(), "amo-tns");
  EXPECT_EQ(got.channel(), "sms");
  EXPECT_EQ(got.template_(), "activation");
  EXPECT_EQ(got.language(), "ar");
  EXPECT_EQ(got.status(), v1::MESSAGE_STATUS_SUBMITTED);
  EXPECT_EQ(got.source_event_id(), "event-1");
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(got.created_at()), absl::ToUnixMicros(clock_.Now()));
  EXPECT_EQ(got.attempts(), 1);
  EXPECT_EQ(got.parts(), 2);
  EXPECT_EQ(got.last_error(), "");

  request.set_registration_number("12");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListMessages, request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(NotificationServiceTest, OptOutDefaultsToSmsAndResendAnswersTheNewMessage) {
  v1::SetOptOutRequest opt_out;
  opt_out.set_registration_number("100000017");
  opt_out.set_opted_out(true);
  ASSERT_TRUE(rpc::Call(*stub_, &Stub::SetOptOut, opt_out).ok());
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::OptedOut(tx, "100000017", "sms"); }));

  v1::ResendRequest resend;
  resend.set_registration_number("100000017");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::Resend, resend).status().code(), absl::StatusCode::kFailedPrecondition);
  Message m{"m1", "100000017", "amo-tns", "sms", "activation", "fr", MessageStatus::kPending, "event-1", clock_.Now()};
  ASSERT_TRUE(InWrite([&](storage::Transaction& tx) { return MessageStore::InsertOnce(tx, m); }));
  auto again = rpc::Call(*stub_, &Stub::Resend, resend);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(again->message_id(), "m1");
  EXPECT_EQ(again->template_(), "activation");
  EXPECT_EQ(again->language(), "fr");
  EXPECT_EQ(again->status(), v1::MESSAGE_STATUS_PENDING);
}

TEST_P(NotificationServiceTest, CampaignsAreStartedFromTheSegmentGivenAndReadBack) {
  v1::StartCampaignRequest start;
  start.set_template_("reminder");
  start.set_agent("agent.nadia");
  start.mutable_segment()->set_program("amo-tns");
  start.mutable_segment()->set_region("Fes-Meknes");
  start.mutable_segment()->set_not_activated(true);
  *start.mutable_segment()->mutable_registered_before() = TimeUtil::MicrosecondsToTimestamp(42);
  auto started = rpc::Call(*stub_, &Stub::StartCampaign, start);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->template_(), "reminder");
  EXPECT_EQ(started->state(), "RUNNING");
  EXPECT_EQ(started->queued(), 0);

  std::optional<StoredCampaign> stored =
      InWrite([&](storage::Transaction& tx) { return CampaignStore::Find(tx, started->campaign_id()); });
  ASSERT_TRUE(stored && stored->segment.ok());
  EXPECT_EQ(stored->segment->region, "Fes-Meknes");
  EXPECT_TRUE(stored->segment->not_activated);
  EXPECT_EQ(stored->segment->registered_before, absl::FromUnixMicros(42));

  v1::GetCampaignRequest get;
  get.set_campaign_id(started->campaign_id());
  auto got = rpc::Call(*stub_, &Stub::GetCampaign, get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->campaign_id(), started->campaign_id());
  get.set_campaign_id("nope");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::GetCampaign, get).status().code(), absl::StatusCode::kNotFound);
  start.mutable_segment()->clear_program();
  EXPECT_EQ(rpc::Call(*stub_, &Stub::StartCampaign, start).status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_BACKENDS(NotificationServiceTest);

}  // namespace
}  // namespace himaya::notification
