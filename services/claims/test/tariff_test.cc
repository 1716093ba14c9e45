// The TNR: the shipped sample (read by claims_file::ParseTariffCsv), and the act effective on a
// care date across versions.
#include "claims/src/tariff.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "claims_tnr_sample_csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::claims {
namespace {

TEST(TnrSample, IsAValidVersionCoveringEveryCategory) {
  absl::StatusOr<std::vector<TariffAct>> acts = claims_file::ParseTariffCsv(claims_tnr_sample_csv());
  ASSERT_TRUE(acts.ok()) << acts.status();
  EXPECT_GE(acts->size(), 30u);
  EXPECT_LE(acts->size(), 60u);
  std::set<std::string> categories;
  for (const TariffAct& act : *acts) categories.insert(act.category);
  EXPECT_EQ(categories, (std::set<std::string>{"CONSULTATION", "SPECIALIST", "BIOLOGY", "RADIOLOGY", "PHARMACY",
                                               "DENTAL", "OPTICS", "HOSPITALISATION"}));
  const Tariff tariff({TariffVersion{"TNR-SAMPLE", absl::CivilDay(2020, 1, 1), *acts}});
  const absl::CivilDay day(2026, 3, 1);
  EXPECT_EQ(tariff.ActOn("C", day)->tnr_centimes, 8000);
  EXPECT_EQ(tariff.ActOn("CS", day)->tnr_centimes, 15000);
  EXPECT_EQ(tariff.ActOn("O.VERRES.UNI", day)->min_days_between, 730);
}

TariffAct Act(const std::string& code, int64_t tnr) {
  TariffAct act;
  act.act_code = code;
  act.label = code;
  act.category = "CONSULTATION";
  act.tnr_centimes = tnr;
  act.max_quantity = 1;
  return act;
}

TEST(Tariff, AnswersWithTheVersionEffectiveOnTheCareDate) {
  const absl::CivilDay v1(2025, 1, 1);
  const absl::CivilDay v2(2026, 1, 1);
  // Given out of order: the constructor sorts by effective day.
  const Tariff tariff({TariffVersion{"TNR-2026", v2, {Act("C", 9000)}},
                       TariffVersion{"TNR-2025", v1, {Act("C", 8000), Act("OLD", 100)}}});
  EXPECT_FALSE(tariff.ActOn("C", v1 - 1).has_value());  // before any version
  EXPECT_EQ(tariff.ActOn("C", v1)->tnr_centimes, 8000);
  EXPECT_EQ(tariff.ActOn("C", v2 - 1)->tnr_centimes, 8000);
  EXPECT_EQ(tariff.ActOn("C", v2)->tnr_centimes, 9000);
  EXPECT_EQ(tariff.ActOn("C", v2 + 3650)->tnr_centimes, 9000);
  EXPECT_EQ(tariff.ActOn("OLD", v2 - 1)->tnr_centimes, 100);
  EXPECT_FALSE(tariff.ActOn("OLD", v2).has_value());  // dropped by the next version
  EXPECT_TRUE(tariff.Knows("OLD"));
  EXPECT_TRUE(tariff.Knows("C"));
  EXPECT_FALSE(tariff.Knows("NEW"));
  EXPECT_FALSE(tariff.Knows("c"));  // codes are held upper-cased
}

TEST(Tariff, EmptyKnowsNothing) {
  const Tariff tariff({});
  EXPECT_FALSE(tariff.Knows("C"));
  EXPECT_FALSE(tariff.ActOn("C", absl::CivilDay(2026, 1, 1)).has_value());
}

TEST(Tariff, TheLastVersionGivenForADayHoldsIt) {
  const absl::CivilDay day(2026, 1, 1);
  const Tariff tariff({TariffVersion{"A", day, {Act("C", 1), Act("X", 1)}}, TariffVersion{"B", day, {Act("C", 2)}}});
  EXPECT_EQ(tariff.ActOn("C", day)->tnr_centimes, 2);
  EXPECT_FALSE(tariff.Knows("X"));
}

}  // namespace
}  // namespace himaya::claims
