// The campaign store on both backends: a campaign recorded RUNNING with its segment, its cursor
// moved chunk by chunk to COMPLETED, FAILED when stopped; and the stored form of a segment.
#include "notification/src/campaign_store.h"

#include "gtest/gtest.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"

namespace himaya::notification {
namespace {

class CampaignStoreTest : public NotificationDatabaseTest {
 protected:
  StoredCampaign Get(const std::string& id) {
    auto c = InWrite([&](storage::Transaction& tx) { return CampaignStore::Find(tx, id); });
    EXPECT_TRUE(c.has_value()) << id;
    return c ? *c : StoredCampaign{id, "", "", absl::NotFoundError(id)};
  }
  const absl::Time t0_ = absl::FromUnixSeconds(1'650'000'000);
};

TEST_P(CampaignStoreTest, ACampaignRunsChunkByChunkToItsEnd) {
  const Segment segment{.program = "amo-tns", .city = "Fes", .registered_before = t0_, .not_activated = true};
  for (const char* id : {"c1", "c2"}) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return CampaignStore::Insert(tx, id, "reminder", segment, "agent.nadia",
                                                  t0_ + absl::Seconds(id[1] - '0'));
                   })
                    .ok());
  }
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return CampaignStore::Running(tx); }),
            (std::vector<std::string>{"c1", "c2"}));
  StoredCampaign c = Get("c1");
  EXPECT_EQ(c.template_key, "reminder");
  EXPECT_EQ(c.state, "RUNNING");
  EXPECT_EQ(c.cursor, "");
  ASSERT_TRUE(c.segment.ok()) << c.segment.status();
  EXPECT_EQ(c.segment->city, "Fes");
  EXPECT_EQ(c.segment->registered_before, t0_);
  EXPECT_TRUE(c.segment->not_activated);

  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return CampaignStore::Advanced(tx, "c1", "100000017", 5, false, t0_);
                 })
                  .ok());
  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return CampaignStore::Advanced(tx, "c1", "100000025", 2, true, t0_); })
          .ok());
  c = Get("c1");
  EXPECT_EQ(c.cursor, "100000025");
  EXPECT_EQ(c.queued, 7);
  EXPECT_EQ(c.state, "COMPLETED");
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) { return CampaignStore::Fail(tx, "c2", t0_); }).ok());
  EXPECT_EQ(Get("c2").state, "FAILED");
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return CampaignStore::Running(tx); }).empty());
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return CampaignStore::Find(tx, "nope"); }).has_value());
}

INSTANTIATE_BACKENDS(CampaignStoreTest);

TEST(StoredSegment, RoundTripsAndRefusesWhatItCannotRead) {
  const Segment segment{"amo-tns", "AGRI", "Fes", "Fes-Meknes", absl::FromUnixMicros(42), true};
  absl::StatusOr<Segment> back = ParseSegment(SegmentJson(segment));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->program, "amo-tns");
  EXPECT_EQ(back->category, "AGRI");
  EXPECT_EQ(back->city, "Fes");
  EXPECT_EQ(back->region, "Fes-Meknes");
  EXPECT_EQ(back->registered_before, absl::FromUnixMicros(42));
  EXPECT_TRUE(back->not_activated);
  EXPECT_FALSE(ParseSegment(SegmentJson({.program = "amo-tns"}))->registered_before.has_value());
  for (const char* bad : {R"({"program": )", "[]", R"({"program": 7})", R"({"city": "Fes"})",
                          R"({"program": "amo-tns", "not_activated": "yes"})",
                          R"({"program": "amo-tns", "registered_before_us": "soon"})"}) {
    EXPECT_EQ(ParseSegment(bad).status().code(), absl::StatusCode::kDataLoss) << bad;
  }
}

}  // namespace
}  // namespace himaya::notification
