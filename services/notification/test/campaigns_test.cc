// Campaigns on both backends: the audience comes from registration's events, segments filter
// it, and a campaign reaches each matching person once, resuming where it stopped.
#include "notification/src/campaigns.h"

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "events/inbox.h"
#include "events/outbox.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "notification/src/activation_messages.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

using google::protobuf::util::TimeUtil;
namespace reg = himaya::registration::v1;

class CampaignsTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 4, 1, 10, 0, 0), absl::UTCTimeZone()));
  }
  void Registered(const std::string& number, const std::string& category, const std::string& city, absl::Time at,
                  const std::string& language = "fr") {
    reg::PersonRegistered e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_category(category);
    e.set_city(city);
    e.set_region(city == "Fes" ? "Fes-Meknes" : "Casablanca-Settat");
    e.set_preferred_language(language);
    *e.mutable_registered_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
    Apply(events::NewEnvelope({"registration", &clock_, &random_}, e, "amo-tns", number));
  }
  void Activated(const std::string& number) {
    reg::AccountActivated e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    *e.mutable_activated_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now()));
    Apply(events::NewEnvelope({"registration", &clock_, &random_}, e, "amo-tns", number));
  }
  void Apply(const events::Envelope& envelope) {
    ActivationMessages applier(clock_, random_);
    events::InboxHandler inbox(*db_, "notification", applier, clock_);
    ASSERT_TRUE(inbox.Process({"t", 0, 0, envelope.aggregate_id(), envelope.SerializeAsString()}).ok());
  }
  absl::Time Day(int month, int day) { return absl::FromCivil(absl::CivilDay(2022, month, day), absl::UTCTimeZone()); }
  testing::FakeClock clock_;
  testing::SeededRandom random_{21};
};

TEST_P(CampaignsTest, ReachesEachMatchingPersonOnceInResumableChunks) {
  Registered("100000017", "AGRI", "Fes", Day(1, 10));
  Registered("100000025", "AGRI", "Fes", Day(2, 10), "ar");
  Registered("100000033", "AGRI", "Casablanca", Day(2, 11));
  Registered("100000041", "TAXI", "Fes", Day(2, 12));
  Registered("100000058", "AGRI", "Fes", Day(3, 20));  // registered too late
  Registered("100000066", "AGRI", "Fes", Day(1, 5));
  Activated("100000066");  // already active

  auto campaigns = std::make_unique<Campaigns>(*db_, Templates::Shipped(), clock_, random_);
  Segment segment{.program = "amo-tns",
                  .category = "AGRI",
                  .region = "Fes-Meknes",
                  .registered_before = Day(3, 1),
                  .not_activated = true};
  auto id = campaigns->Start("reminder", segment, "agent.nadia");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*campaigns->Advance(1), 1);
  // A restart: a new instance goes on from the cursor.
  campaigns = std::make_unique<Campaigns>(*db_, Templates::Shipped(), clock_, random_);
  EXPECT_EQ(*campaigns->Advance(1), 1);
  EXPECT_EQ(*campaigns->Advance(1), 0);
  auto status = campaigns->Status(*id);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, "COMPLETED");
  EXPECT_EQ(status->queued, 2);
  EXPECT_EQ(status->by_status["PENDING"], 2);

  std::vector<std::string> reached;
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, language, template FROM "
                                                        "messages WHERE campaign_id = $1 ORDER BY registration_number",
                                                        {*id}));
                   for (const auto& r : rows) reached.push_back(r.Text(0) + "/" + r.Text(1) + "/" + r.Text(2));
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(reached, (std::vector<std::string>{"100000017/fr/reminder", "100000025/ar/reminder"}));

  // Re-running the same segment as a new campaign reaches them again, once more each.
  auto second = campaigns->Start("reminder", segment, "agent.nadia");
  EXPECT_EQ(*campaigns->Advance(100), 2);
  EXPECT_EQ(*campaigns->Advance(100), 0);
}

TEST_P(CampaignsTest, BadRequestsAreRefused) {
  Campaigns campaigns(*db_, Templates::Shipped(), clock_, random_);
  EXPECT_EQ(campaigns.Start("reminder", {}, "a").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(campaigns.Start("reminder", {.program = "amo-tns"}, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(campaigns.Start("nope", {.program = "amo-tns"}, "a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(campaigns.Start("claim_decided", {.program = "amo-tns"}, "a").status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "a claim's decision has no claim to speak of in a campaign";
  EXPECT_EQ(campaigns.Status("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(CampaignsTest, ACampaignWhoseSegmentCannotBeReadStopsAloneWithoutAnException) {
  Registered("100000017", "AGRI", "Fes", Day(1, 10));
  Campaigns campaigns(*db_, Templates::Shipped(), clock_, random_);
  auto good = campaigns.Start("reminder", {.program = "amo-tns"}, "agent.nadia");
  ASSERT_TRUE(good.ok()) << good.status();
  const std::vector<std::string> unreadable = {R"({"program": )", "[]", R"({"program": 7})",
                                               R"({"program": "amo-tns", "not_activated": "yes"})",
                                               R"({"program": "amo-tns", "registered_before_us": "soon"})"};
  for (size_t i = 0; i < unreadable.size(); ++i) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return tx
                         .Execute(
                             "INSERT INTO campaigns (campaign_id, template, segment, state, created_by, "
                             "created_at_us) VALUES ($1, 'reminder', $2, 'RUNNING', 'agent.nadia', $3)",
                             {absl::StrCat("bad-", i), unreadable[i], int64_t{static_cast<int64_t>(i)}})
                         .status();
                   })
                    .ok());
  }
  absl::StatusOr<int64_t> queued = campaigns.Advance(100);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 1) << "the readable campaign goes on";
  EXPECT_EQ(campaigns.Status(*good)->state, "COMPLETED");
  for (size_t i = 0; i < unreadable.size(); ++i) {
    EXPECT_EQ(campaigns.Status(absl::StrCat("bad-", i))->state, "FAILED") << unreadable[i];
  }
}

TEST_P(CampaignsTest, StartedTheyAdvanceOnTheirOwnUntilStopped) {
  Registered("100000017", "AGRI", "Fes", Day(1, 10));
  std::mutex mu;
  std::condition_variable cv;
  int64_t queued = 0;
  Campaigns campaigns(*db_, Templates::Shipped(), clock_, random_,
                      [&](const std::string& program, const std::string& template_key, int64_t n) {
                        std::lock_guard<std::mutex> lock(mu);
                        queued += n;
                        cv.notify_all();
                      });
  ASSERT_TRUE(campaigns.Start("reminder", {.program = "amo-tns"}, "agent.nadia").ok());
  campaigns.Start();
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return queued == 1; }));
  }
  campaigns.Stop();
  campaigns.Stop();  // again: nothing happens
}

INSTANTIATE_BACKENDS(CampaignsTest);

}  // namespace
}  // namespace himaya::notification
