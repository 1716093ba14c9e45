// BeneficiaryStore on both backends: dependents with their periods, households' members once,
// details given once, "one insured at a time", removals and declaration keys.
#include "beneficiary/src/beneficiary_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "beneficiary/test/beneficiary_database.h"
#include "gtest/gtest.h"
#include "testing/queries.h"
#include "testing/temp_dir.h"

namespace himaya::beneficiary {
namespace {

class BeneficiaryStoreTest : public BeneficiaryDatabaseTest {
 protected:
  Dependent Child(const std::string& number, int rank) {
    Dependent d;
    d.beneficiary_id = DependentId(number, rank);
    d.registration_number = number;
    d.relationship = kChild;
    d.first_name = "Sara";
    d.last_name = "Alaoui";
    d.birth_date = absl::CivilDay(2010, 5, 4);
    d.sex = "F";
    d.identity_key = IdentityKey(d.last_name, d.first_name, *d.birth_date);
    d.studying_until = absl::CivilDay(2032, 6, 30);
    d.program = "amo-tns";
    d.source = kSourcePortal;
    d.declared_at = clock_.Now();
    d.periods.push_back({absl::CivilDay(2022, 5, 1), std::nullopt, "", ""});
    return d;
  }
  absl::Status Insert(const Dependent& d) {
    return Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); });
  }
  std::optional<Dependent> Find(const std::string& id) {
    return InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Find(tx, id); });
  }
};

TEST_P(BeneficiaryStoreTest, ADependentIsReadBackWithEveryField) {
  Dependent d = Child("100000017", 1);
  d.cin = "BK1";
  d.disabled = true;
  d.apprenticeship_until = absl::CivilDay(2027, 9, 30);
  d.periods.push_back({absl::CivilDay(2024, 1, 1), absl::CivilDay(2024, 12, 31), "OTHER", "note"});
  ASSERT_TRUE(Insert(d).ok());
  std::optional<Dependent> got = Find(d.beneficiary_id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->registration_number, "100000017");
  EXPECT_EQ(got->relationship, "CHILD");
  EXPECT_EQ(got->first_name, "Sara");
  EXPECT_EQ(got->last_name, "Alaoui");
  EXPECT_EQ(got->birth_date, absl::CivilDay(2010, 5, 4));
  EXPECT_EQ(got->sex, "F");
  EXPECT_EQ(got->cin, "BK1");
  EXPECT_EQ(got->identity_key, d.identity_key);
  EXPECT_TRUE(got->disabled);
  EXPECT_EQ(got->studying_until, absl::CivilDay(2032, 6, 30));
  EXPECT_EQ(got->apprenticeship_until, absl::CivilDay(2027, 9, 30));
  EXPECT_EQ(got->program, "amo-tns");
  EXPECT_EQ(got->source, "PORTAL");
  EXPECT_EQ(got->member_id, "");
  EXPECT_EQ(got->state, DependentState::kActive);
  EXPECT_EQ(got->refusal, "");
  EXPECT_EQ(got->declared_at, clock_.Now());
  ASSERT_EQ(got->periods.size(), 2u);
  EXPECT_EQ(got->periods[0].start, absl::CivilDay(2022, 5, 1));
  EXPECT_FALSE(got->periods[0].end.has_value());
  EXPECT_EQ(got->periods[1].end, absl::CivilDay(2024, 12, 31));
  EXPECT_EQ(got->periods[1].end_reason, "OTHER");
  EXPECT_EQ(got->periods[1].note, "note");
  EXPECT_FALSE(Find("100000017-02").has_value());
  EXPECT_EQ(Insert(d).code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(BeneficiaryStoreTest, AHouseholdMemberIsRecordedOnceThenResolvedOnce) {
  Dependent pending;
  pending.beneficiary_id = "100000017-01";
  pending.registration_number = "100000017";
  pending.relationship = kSpouse;
  pending.program = "amo-tadamon";
  pending.source = kSourceLiaisonBatch;
  pending.member_id = "M-1";
  pending.state = DependentState::kDetailsPending;
  pending.declared_at = clock_.Now();
  pending.periods.push_back({absl::CivilDay(2026, 3, 1), std::nullopt, "", ""});
  ASSERT_TRUE(Insert(pending).ok());
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::HasMember(tx, "M-1"); }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::HasMember(tx, "M-2"); }));
  Dependent again = pending;
  again.beneficiary_id = "100000017-02";
  EXPECT_EQ(Insert(again).code(), absl::StatusCode::kAlreadyExists) << "a member id is unique";
  std::optional<Dependent> got = Find("100000017-01");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, DependentState::kDetailsPending);
  EXPECT_FALSE(got->birth_date.has_value());

  auto waiting = InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Pending(tx, 10); });
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].member_id, "M-1");

  Dependent resolved = *got;
  resolved.first_name = "Amina";
  resolved.last_name = "Alaoui";
  resolved.birth_date = absl::CivilDay(1990, 1, 2);
  resolved.sex = "F";
  resolved.cin = "BK2";
  resolved.identity_key = "CIN:BK2";
  resolved.state = DependentState::kRefused;
  resolved.refusal = "ALREADY_DEPENDENT";
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Resolve(tx, resolved); }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Resolve(tx, resolved); }))
      << "no longer pending";
  got = Find("100000017-01");
  EXPECT_EQ(got->state, DependentState::kRefused);
  EXPECT_EQ(got->refusal, "ALREADY_DEPENDENT");
  EXPECT_EQ(got->first_name, "Amina");
  EXPECT_EQ(got->birth_date, absl::CivilDay(1990, 1, 2));
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Pending(tx, 10); }).empty());
}

TEST_P(BeneficiaryStoreTest, AnIdentityIsHeldElsewhereWhileAnotherFamilyCoversIt) {
  Dependent d = Child("1", 1);
  d.cin = "BK1";
  ASSERT_TRUE(Insert(d).ok());
  auto held_as = [&](Dependent asked, const std::string& number, absl::CivilDay on) {
    asked.registration_number = number;
    return InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::HeldElsewhere(tx, asked, on); });
  };
  auto held = [&](const std::string& number, absl::CivilDay on) { return held_as(d, number, on); };
  Dependent by_names = d;
  by_names.cin.clear();
  EXPECT_TRUE(held_as(by_names, "2", absl::CivilDay(2030, 1, 1))) << "the same names without the CIN";
  Dependent by_cin = d;
  by_cin.identity_key = IdentityKey("Alaoui", "Sarah", *d.birth_date);
  EXPECT_TRUE(held_as(by_cin, "2", absl::CivilDay(2030, 1, 1))) << "the same CIN under other names";
  by_cin.cin = "BK2";
  EXPECT_FALSE(held_as(by_cin, "2", absl::CivilDay(2030, 1, 1)));
  EXPECT_TRUE(held("2", absl::CivilDay(2030, 1, 1)));
  EXPECT_FALSE(held("1", absl::CivilDay(2030, 1, 1))) << "its own family does not count";
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) {
    return BeneficiaryStore::EndPeriod(tx, d.beneficiary_id, absl::CivilDay(2025, 12, 31), "DIVORCE", "");
  }));
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return BeneficiaryStore::EndPeriod(tx, d.beneficiary_id, absl::CivilDay(2025, 12, 31), "DIVORCE", "");
  })) << "no open period left";
  EXPECT_TRUE(held("2", absl::CivilDay(2025, 12, 31)));
  EXPECT_FALSE(held("2", absl::CivilDay(2026, 1, 1)));
  std::optional<Dependent> got = Find(d.beneficiary_id);
  EXPECT_EQ(got->periods[0].end, absl::CivilDay(2025, 12, 31));
  EXPECT_EQ(got->periods[0].end_reason, "DIVORCE");

  Dependent refused = Child("3", 1);
  refused.state = DependentState::kRefused;
  ASSERT_TRUE(Insert(refused).ok());
  EXPECT_FALSE(held("2", absl::CivilDay(2026, 1, 1))) << "a refused dependent holds nothing";
}

TEST_P(BeneficiaryStoreTest, AnIdentitysRowIsRecordedOnceAndTakenAgainAndAgain) {
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                  return BeneficiaryStore::LockIdentities(tx, {"NAME:B", "CIN:A", "NAME:B"});
                }).ok());
  }
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM dependent_identities"), 2);
  EXPECT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::LockIdentities(tx, {}); }).ok());
}

TEST_P(BeneficiaryStoreTest, AFamilyIsReadWholeAndManyAtOnce) {
  for (int rank : {1, 2, 3}) ASSERT_TRUE(Insert(Child("1", rank)).ok());
  ASSERT_TRUE(Insert(Child("2", 1)).ok());
  auto family = InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Family(tx, "1"); });
  ASSERT_EQ(family.size(), 3u);
  EXPECT_EQ(family[0].beneficiary_id, "1-01");
  EXPECT_EQ(family[2].beneficiary_id, "1-03");
  for (const Dependent& d : family) EXPECT_EQ(d.periods.size(), 1u);
  auto many = InWrite([&](storage::Transaction& tx) {
    return BeneficiaryStore::FindMany(tx, {"2-01", "1-02", "9-01"});
  });
  ASSERT_EQ(many.size(), 2u);
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Family(tx, "9"); }).empty());
}

TEST_P(BeneficiaryStoreTest, ADeclarationKeyIsKeptOnce) {
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::DeclaredWith(tx, "k1"); }));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return BeneficiaryStore::KeepDeclaration(tx, "k1", {"1", "1-01"}, clock_.Now());
              }).ok());
  auto kept = InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::DeclaredWith(tx, "k1"); });
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->registration_number, "1");
  EXPECT_EQ(kept->beneficiary_id, "1-01");
  EXPECT_EQ(Write([&](storage::Transaction& tx) {
              return BeneficiaryStore::KeepDeclaration(tx, "k1", {"1", "1-02"}, clock_.Now());
            }).code(),
            absl::StatusCode::kAlreadyExists);
}

INSTANTIATE_BACKENDS(BeneficiaryStoreTest);

}  // namespace
}  // namespace himaya::beneficiary

namespace himaya::beneficiary {
namespace {

// The plans of the queries eligibility, the family list, household details and attestations
// make (SQLite's planner on empty tables): each reads through an index, none scans a table.
TEST(BeneficiaryQueryPlans, EligibilityAndFamilyQueriesUseIndexes) {
  testing::TempDir dir;
  auto db = storage::Open({.url = "sqlite:" + dir.path() + "/plans.db"});
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(storage::ApplyMigrations(**db, {events::EventTablesMigrations((*db)->dialect()),
                                              storage::BeneficiaryMigrations((*db)->dialect())})
                  .ok());
  for (const char* query : {
           "SELECT * FROM insured WHERE registration_number IN ($1, $2)",
           "SELECT * FROM beneficiaries WHERE beneficiary_id IN ($1, $2)",
           "SELECT * FROM beneficiaries WHERE registration_number = $1 AND $2 <> ''",
           "SELECT * FROM coverage_periods WHERE beneficiary_id IN ($1, $2)",
           "SELECT * FROM beneficiaries WHERE state = 'DETAILS_PENDING' AND $1 <> $2 ORDER BY declared_at_us "
           "LIMIT 10",
           "SELECT 1 FROM beneficiaries b JOIN coverage_periods p ON p.beneficiary_id = b.beneficiary_id "
           "WHERE (b.identity_key = $1 OR b.cin = $2) AND b.registration_number <> $2",
           "SELECT * FROM attestations WHERE registration_number = $1 AND family_version = $2 "
           "ORDER BY issued_at_us DESC LIMIT 1",
       }) {
    std::string plan;
    for (const storage::Row& r : testing::Rows(**db, absl::StrCat("EXPLAIN QUERY PLAN ", query), {"a", "b"})) {
      const std::string step = r.Text(r.size() - 1);
      absl::StrAppend(&plan, step, "; ");
      // A scan of a (partial) index is a read through it; a scan of the table is not.
      EXPECT_FALSE(absl::StartsWith(step, "SCAN") && !absl::StrContains(step, "USING")) << query << ": " << step;
    }
    EXPECT_TRUE(absl::StrContains(plan, "INDEX")) << query << ": " << plan;
  }
}

}  // namespace
}  // namespace himaya::beneficiary
