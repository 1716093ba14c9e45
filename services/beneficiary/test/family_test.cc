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

TEST(FamilyTest, IdentityKeyIsTheCinOrTheNamesWithTheBirthDate) {
  const absl::CivilDay birth(2010, 5, 4);
  EXPECT_EQ(IdentityKey("BK123456", "Alaoui", "Amina", birth), "CIN:BK123456");
  EXPECT_EQ(IdentityKey("", "El  Alaoui", "Amina", birth), "NAME:EL ALAOUI|AMINA|2010-05-04");
  EXPECT_EQ(IdentityKey("", " el-alaoui ", "amina", birth), IdentityKey("", "El Alaoui", "AMINA", birth));
  EXPECT_EQ(IdentityKey("", "Ait'Ali", "Sara.", birth), "NAME:AIT ALI|SARA|2010-05-04");
  EXPECT_NE(IdentityKey("", "Alaoui", "Amina", birth), IdentityKey("", "Alaoui", "Amina", birth + 1));
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
