#include "registration/src/regions.h"

#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

TEST(Regions, KnownCitiesWhateverTheirCaseOrAccents) {
  EXPECT_EQ(RegionOfCity("Casablanca"), "Casablanca-Settat");
  EXPECT_EQ(RegionOfCity("  FES "), "Fes-Meknes");
  EXPECT_EQ(RegionOfCity("Fès"), "Fes-Meknes");
  EXPECT_EQ(RegionOfCity("Salé"), "Rabat-Sale-Kenitra");
}

TEST(Regions, UnknownCityHasNoRegion) { EXPECT_EQ(RegionOfCity("Atlantis"), ""); }

}  // namespace
}  // namespace himaya::registration
