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
}

TEST_P(InsuredStoreTest, CountsInsuredAndDependentsCoveredOnTheDay) {
  InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, Registered("1")); });
  Insured other = Registered("2");
  other.region = "Fes-Meknes";
  InWrite([&](storage::Transaction& tx) { return InsuredStore::RecordRegistered(tx, other); });
  auto add = [&](const std::string& id, absl::string_view relationship, DependentState state,
                 std::optional<absl::CivilDay> end) {
    Dependent d;
    d.beneficiary_id = id;
    d.registration_number = "1";
    d.relationship = std::string(relationship);
    d.program = "amo-tns";
    d.source = kSourcePortal;
    d.state = state;
    d.periods.push_back({absl::CivilDay(2022, 5, 1), end, end ? "DIVORCE" : "", ""});
    ASSERT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); }).ok());
  };
  add("1-01", kSpouse, DependentState::kActive, std::nullopt);
  add("1-02", kSpouse, DependentState::kActive, absl::CivilDay(2023, 1, 1));
  add("1-03", kChild, DependentState::kActive, std::nullopt);
  add("1-04", kChild, DependentState::kRefused, std::nullopt);
  add("1-05", kChild, DependentState::kDetailsPending, std::nullopt);
  auto counts = InWrite([&](storage::Transaction& tx) { return InsuredStore::Counts(tx, absl::CivilDay(2024, 1, 1)); });
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].region, "Casablanca-Settat");
  EXPECT_EQ(counts[0].insured, 1);
  EXPECT_EQ(counts[0].spouses, 1) << "the divorced spouse is no longer counted";
  EXPECT_EQ(counts[0].children, 1) << "refused and pending children are not counted";
  EXPECT_EQ(counts[1].region, "Fes-Meknes");
  EXPECT_EQ(counts[1].insured, 1);
  EXPECT_EQ(counts[1].spouses + counts[1].children, 0);
  counts = InWrite([&](storage::Transaction& tx) { return InsuredStore::Counts(tx, absl::CivilDay(2022, 12, 1)); });
  EXPECT_EQ(counts[0].spouses, 2);
}

INSTANTIATE_BACKENDS(InsuredStoreTest);

}  // namespace
}  // namespace himaya::beneficiary
