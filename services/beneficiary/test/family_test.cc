// Beneficiary ids, identity keys and dates as the service writes and reads them.
#include "beneficiary/src/family.h"

#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

TEST(FamilyTest, DependentIdsAreTheInsuredsNumberAndATwoDigitRank) {
  EXPECT_EQ(DependentId("100000017", 1), "100000017-01");
  EXPECT_EQ(DependentId("100000017", 42), "100000017-42");
  EXPECT_EQ(InsuredNumberOf("100000017-42"), "100000017");
  EXPECT_EQ(InsuredNumberOf("100000017"), "100000017");
}

TEST(FamilyTest, IdentityKeyIsTheNamesWithTheBirthDate) {
  const absl::CivilDay birth(2010, 5, 4);
  EXPECT_EQ(IdentityKey("El  Alaoui", "Amina", birth), "NAME:EL ALAOUI|AMINA|2010-05-04");
  EXPECT_EQ(IdentityKey(" el-alaoui ", "amina", birth), IdentityKey("El Alaoui", "AMINA", birth));
  EXPECT_EQ(IdentityKey("Ait'Ali", "Sara.", birth), "NAME:AIT ALI|SARA|2010-05-04");
  EXPECT_NE(IdentityKey("Alaoui", "Amina", birth), IdentityKey("Alaoui", "Amina", birth + 1));
}

TEST(FamilyTest, APersonWithACinIsKnownByTheNamesAndByTheCin) {
  Dependent with_cin;
  with_cin.identity_key = IdentityKey("Alaoui", "Amina", absl::CivilDay(2010, 5, 4));
  with_cin.cin = "BK123456";
  EXPECT_EQ(IdentityKeys(with_cin), (std::vector<std::string>{"NAME:ALAOUI|AMINA|2010-05-04", "CIN:BK123456"}));
  Dependent without_cin = with_cin;
  without_cin.cin.clear();
  EXPECT_EQ(IdentityKeys(without_cin), std::vector<std::string>{"NAME:ALAOUI|AMINA|2010-05-04"});
  EXPECT_TRUE(SamePerson(with_cin, without_cin)) << "the same names and birth date";
  Dependent renamed = with_cin;
  renamed.identity_key = IdentityKey("Alaoui", "Aminata", absl::CivilDay(2010, 5, 4));
  EXPECT_TRUE(SamePerson(with_cin, renamed)) << "the same CIN";
  renamed.cin = "BK9";
  EXPECT_FALSE(SamePerson(with_cin, renamed));
  EXPECT_FALSE(SamePerson(Dependent{}, Dependent{})) << "pending members are no one yet";
}

TEST(FamilyTest, OnlyRealDatesParse) {
  EXPECT_EQ(ParseDay("2024-02-29"), absl::CivilDay(2024, 2, 29));
  for (const char* bad : {"2023-02-29", "2021-13-01", "2021-1-01", "20210101", "", "2021-01-01x", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseDay(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatDay(absl::CivilDay(2026, 1, 2)), "2026-01-02");
}

TEST(FamilyTest, StatesHaveTheirNames) {
  for (DependentState s : {DependentState::kActive, DependentState::kDetailsPending, DependentState::kRefused}) {
    EXPECT_EQ(ParseState(StateName(s)), s);
  }
  EXPECT_EQ(StateName(DependentState::kDetailsPending), "DETAILS_PENDING");
}

}  // namespace
}  // namespace himaya::beneficiary
