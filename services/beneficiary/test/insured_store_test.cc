// InsuredStore on both backends: registrations and merges in either order, enrolments, ranks,
// the family's version and the figures by program, category and region.
#include "beneficiary/src/insured_store.h"

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

class InsuredStoreTest : public BeneficiaryDatabaseTest {
 protected:
  Insured Registered(const std::string& number, absl::CivilDay on = absl::CivilDay(2022, 4, 1)) {
    return {number, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", on, true, 0};
  }
  std::optional<Insured> Find(const std::string& number) {
    return InWrite([&](storage::Transaction& tx) { return InsuredStore::Find(tx, number); });
  }
};

TEST_P(InsuredStoreTest, ARegistrationIsRecordedOnceWithItsEnrolment) {
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, Registered("1")); }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return InsuredStore::RecordRegistered(tx, Registered("1", absl::CivilDay(2023, 1, 1)));
  })) << "a second registration of the same person changes nothing";
  std::optional<Insured> got = Find("1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->program, "amo-tns");
  EXPECT_EQ(got->category, "AGRI");
  EXPECT_EQ(got->city, "Settat");
  EXPECT_EQ(got->region, "Casablanca-Settat");
  EXPECT_EQ(got->registered_on, absl::CivilDay(2022, 4, 1));
  EXPECT_TRUE(got->registered);
  EXPECT_EQ(got->family_version, 0);
  auto enrolments = InWrite([&](storage::Transaction& tx) { return InsuredStore::Enrolments(tx, "1"); });
  ASSERT_EQ(enrolments.size(), 1u);
  EXPECT_EQ(enrolments[0].program, "amo-tns");
  EXPECT_EQ(enrolments[0].source_event, "PersonRegistered");
  EXPECT_EQ(enrolments[0].since, absl::CivilDay(2022, 4, 1));
  EXPECT_FALSE(Find("2").has_value());
}

TEST_P(InsuredStoreTest, AMergeSeenFirstIsCompletedByTheRegistration) {
  Enrolment merged{"1", "amo-tadamon", "RAMED", "PersonMerged", absl::CivilDay(2023, 6, 1)};
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordEnrolment(tx, merged); }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordEnrolment(tx, merged); }));
  std::optional<Insured> got = Find("1");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->registered);
  EXPECT_EQ(got->program, "amo-tadamon");
  EXPECT_EQ(got->registered_on, absl::CivilDay(2023, 6, 1));
  EXPECT_EQ(got->region, "");

  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, Registered("1")); }));
  got = Find("1");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->registered);
  EXPECT_EQ(got->program, "amo-tns");
  EXPECT_EQ(got->region, "Casablanca-Settat");
  EXPECT_EQ(got->registered_on, absl::CivilDay(2022, 4, 1)) << "covered from the registration, the earlier day";
  auto enrolments = InWrite([&](storage::Transaction& tx) { return InsuredStore::Enrolments(tx, "1"); });
  ASSERT_EQ(enrolments.size(), 2u);
  EXPECT_EQ(enrolments[0].program, "amo-tadamon");
  EXPECT_EQ(enrolments[1].program, "amo-tns");
}

TEST_P(InsuredStoreTest, RanksAreNeverGivenTwiceAndStopAt99) {
  InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, Registered("1")); });
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return InsuredStore::TakeRank(tx, "1"); }), 1);
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return InsuredStore::TakeRank(tx, "1"); }), 2);
  absl::Status unknown = Write([](storage::Transaction& tx) { return InsuredStore::TakeRank(tx, "2").status(); });
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  for (int i = 3; i <= 99; ++i) InWrite([&](storage::Transaction& tx) { return InsuredStore::TakeRank(tx, "1"); });
  absl::Status full = Write([](storage::Transaction& tx) { return InsuredStore::TakeRank(tx, "1").status(); });
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
}

TEST_P(InsuredStoreTest, FindManyAndTheFamilyVersion) {
  for (const char* n : {"1", "2", "3"}) {
    InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, Registered(n)); });
  }
  auto many = InWrite([&](storage::Transaction& tx) { return InsuredStore::FindMany(tx, {"3", "9", "1"}); });
  ASSERT_EQ(many.size(), 2u);
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return InsuredStore::FindMany(tx, {}); }).empty());
  ASSERT_TRUE(Write([](storage::Transaction& tx) { return InsuredStore::BumpFamilyVersion(tx, "2"); }).ok());
  EXPECT_EQ(Find("2")->family_version, 1);
  EXPECT_EQ(Find("1")->family_version, 0);
  auto held = InWrite([&](storage::Transaction& tx) { return InsuredStore::FindForUpdate(tx, "2"); });
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->family_version, 1);
  EXPECT_EQ(held->category, Find("2")->category);
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return InsuredStore::FindForUpdate(tx, "9"); }));
}

TEST_P(InsuredStoreTest, APassReadsInsuredByPagesWithTheirEnrolments) {
  for (const char* n : {"3", "1", "2"}) {
    InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, Registered(n)); });
  }
  InWrite([&](storage::Transaction& tx) {
    return InsuredStore::RecordEnrolment(tx, {"2", "amo-tadamon", "RAMED", "PersonMerged", absl::CivilDay(2024, 1, 1)});
  });
  auto page = InWrite([&](storage::Transaction& tx) { return InsuredStore::Page(tx, "", 2); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].registration_number, "1");
  EXPECT_EQ(page[1].registration_number, "2");
  page = InWrite([&](storage::Transaction& tx) { return InsuredStore::Page(tx, "2", 2); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].registration_number, "3");
  auto enrolments = InWrite([&](storage::Transaction& tx) { return InsuredStore::EnrolmentsBetween(tx, "2", "3"); });
  ASSERT_EQ(enrolments.size(), 3u);
  EXPECT_EQ(enrolments[0].registration_number, "2");
  EXPECT_EQ(enrolments[0].program, "amo-tadamon");
  EXPECT_EQ(enrolments[2].registration_number, "3");
}

INSTANTIATE_BACKENDS(InsuredStoreTest);

}  // namespace
}  // namespace himaya::beneficiary
