// The operations figures on both backends: computed from the database (so a new process, as
// after a restart, shows them at once), by program, category and region, dependents counted
// while covered, and a group that empties goes to 0.
#include "beneficiary/src/family_figures.h"

#include <map>

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

// The value of gauge `name` with these labels; -1 when absent.
double GaugeValue(prometheus::Registry& registry, const std::string& name, const std::string& program,
                  const std::string& category, const std::string& region) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["program"] == program && labels["category"] == category && labels["region"] == region) {
        return metric.gauge.value;
      }
    }
  }
  return -1;
}

class FamilyFiguresTest : public BeneficiaryDatabaseTest {
 protected:
  void Register(const std::string& number, const std::string& program, const std::string& region) {
    InWrite([&](storage::Transaction& tx) {
      return InsuredStore::RecordRegistered(
          tx, {number, program, "AGRI", "Fes", region, absl::CivilDay(2022, 4, 1), true, 0});
    });
  }
  void Declare(const std::string& id, const char* relationship, std::optional<absl::CivilDay> end = std::nullopt) {
    Dependent d;
    d.beneficiary_id = id;
    d.registration_number = InsuredNumberOf(id);
    d.relationship = relationship;
    d.birth_date = absl::CivilDay(2015, 1, 1);
    d.program = "amo-tns";
    d.source = kSourcePortal;
    d.periods.push_back({absl::CivilDay(2022, 5, 1), end, end ? "DIVORCE" : "", ""});
    ASSERT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); }).ok());
  }
};

TEST_P(FamilyFiguresTest, GaugesByProgramCategoryAndRegionFromTheDatabase) {
  Register("1", "amo-tns", "Fes-Meknes");
  Register("2", "amo-tns", "Fes-Meknes");
  Register("3", "amo-tadamon", "Oriental");
  Declare("1-01", kSpouse);
  Declare("1-02", kChild);
  Declare("1-03", kChild);
  Declare("2-01", kSpouse, absl::CivilDay(2025, 1, 1));  // divorced: no longer counted
  prometheus::Registry registry;
  FamilyFigures figures(*db_, registry, clock_);
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tns", "AGRI", "Fes-Meknes"), 2);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_spouses", "amo-tns", "AGRI", "Fes-Meknes"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_children", "amo-tns", "AGRI", "Fes-Meknes"), 2);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_beneficiaries", "amo-tns", "AGRI", "Fes-Meknes"), 5);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tadamon", "AGRI", "Oriental"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_children", "amo-tadamon", "AGRI", "Oriental"), 0);

  // Another process on the same database (a restart, a replica) shows the same at once.
  prometheus::Registry other;
  FamilyFigures again(*db_, other, clock_);
  ASSERT_TRUE(again.Refresh().ok());
  EXPECT_EQ(GaugeValue(other, "himaya_beneficiary_beneficiaries", "amo-tns", "AGRI", "Fes-Meknes"), 5);

  // A group that empties goes to 0 instead of keeping its last value.
  ASSERT_TRUE(Write([](storage::Transaction& tx) {
                return tx.Execute("DELETE FROM insured WHERE registration_number = '3'").status();
              }).ok());
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tadamon", "AGRI", "Oriental"), 0);
}

INSTANTIATE_BACKENDS(FamilyFiguresTest);

}  // namespace
}  // namespace himaya::beneficiary
