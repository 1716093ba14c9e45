// The audience store on both backends: members added once, activations recorded, and segments
// read in number order after a cursor, each filter applied only when given.
#include "notification/src/audience_store.h"

#include "gtest/gtest.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"

namespace himaya::notification {
namespace {

class AudienceStoreTest : public NotificationDatabaseTest {
 protected:
  absl::Time Day(int month, int day) { return absl::FromCivil(absl::CivilDay(2022, month, day), absl::UTCTimeZone()); }
  void Add(const std::string& number, const std::string& category, const std::string& city, absl::Time at,
           const std::string& program = "amo-tns") {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                     return AudienceStore::Add(tx, {number, program, category, city,
                                                    city == "Fes" ? "Fes-Meknes" : "Casablanca-Settat", "fr", at});
                   })
                    .ok());
  }
  std::vector<std::string> Numbers(const Segment& segment, const std::string& after = "", int limit = 100) {
    std::vector<std::string> out;
    for (const AudienceMember& m :
         InWrite([&](storage::Transaction& tx) { return AudienceStore::InSegment(tx, segment, after, limit); })) {
      out.push_back(m.registration_number);
    }
    return out;
  }
};

TEST_P(AudienceStoreTest, SegmentsFilterTheAudienceInNumberOrder) {
  Add("100000025", "AGRI", "Fes", Day(2, 10));
  Add("100000017", "AGRI", "Fes", Day(1, 10));
  Add("100000033", "AGRI", "Casablanca", Day(2, 11));
  Add("100000041", "TAXI", "Fes", Day(2, 12));
  Add("100000058", "AGRI", "Fes", Day(1, 1), "other");
  Add("100000017", "TAXI", "Casablanca", Day(3, 1));  // already there: unchanged
  using V = std::vector<std::string>;
  EXPECT_EQ(Numbers({.program = "amo-tns"}), (V{"100000017", "100000025", "100000033", "100000041"}));
  EXPECT_EQ(Numbers({.program = "amo-tns", .category = "AGRI"}), (V{"100000017", "100000025", "100000033"}));
  EXPECT_EQ(Numbers({.program = "amo-tns", .city = "Fes"}), (V{"100000017", "100000025", "100000041"}));
  EXPECT_EQ(Numbers({.program = "amo-tns", .region = "Casablanca-Settat"}), (V{"100000033"}));
  EXPECT_EQ(Numbers({.program = "amo-tns", .registered_before = Day(2, 11)}), (V{"100000017", "100000025"}));
  EXPECT_EQ(Numbers({.program = "amo-tns"}, "100000017", 2), (V{"100000025", "100000033"})) << "after the cursor";
}

TEST_P(AudienceStoreTest, ActivatedMembersLeaveSegmentsOfTheNotActivated) {
  Add("100000017", "AGRI", "Fes", Day(1, 10));
  Add("100000025", "AGRI", "Fes", Day(1, 10));
  ASSERT_TRUE(
      db_->Write([&](storage::Transaction& tx) { return AudienceStore::MarkActivated(tx, "100000017", Day(4, 1)); })
          .ok());
  EXPECT_EQ(Numbers({.program = "amo-tns", .not_activated = true}), std::vector<std::string>{"100000025"});
  auto all =
      InWrite([&](storage::Transaction& tx) { return AudienceStore::InSegment(tx, {.program = "amo-tns"}, "", 10); });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].activated_at, Day(4, 1));
  EXPECT_EQ(all[0].registered_at, Day(1, 10));
  EXPECT_EQ(all[0].region, "Fes-Meknes");
  EXPECT_FALSE(all[1].activated_at.has_value());
}

INSTANTIATE_BACKENDS(AudienceStoreTest);

}  // namespace
}  // namespace himaya::notification
