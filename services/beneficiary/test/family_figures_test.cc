// The operations figures on both backends: computed from the database (so a new process, as
// after a restart, shows them at once), by program, category and region, dependents counted
// while covered, and a group that empties goes to 0.
#include "beneficiary/src/family_figures.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "core/status_macros.h"
#include "gtest/gtest.h"
#include "storage/bulk.h"

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
  void Declare(const std::string& id, const char* relationship, std::optional<absl::CivilDay> end = std::nullopt,
               absl::CivilDay born = absl::CivilDay(2015, 1, 1), DependentState state = DependentState::kActive) {
    Dependent d;
    d.beneficiary_id = id;
    d.registration_number = InsuredNumberOf(id);
    d.relationship = relationship;
    d.birth_date = born;
    d.program = "amo-tns";
    d.source = kSourcePortal;
    d.state = state;
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
  FamilyFigures figures(*db_, FamilyRules::Shipped(), registry, clock_);
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tns", "AGRI", "Fes-Meknes"), 2);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_spouses", "amo-tns", "AGRI", "Fes-Meknes"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_children", "amo-tns", "AGRI", "Fes-Meknes"), 2);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_beneficiaries", "amo-tns", "AGRI", "Fes-Meknes"), 5);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tadamon", "AGRI", "Oriental"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_children", "amo-tadamon", "AGRI", "Oriental"), 0);

  // Another process on the same database (a restart, a replica) shows the same at once.
  prometheus::Registry other;
  FamilyFigures again(*db_, FamilyRules::Shipped(), other, clock_);
  ASSERT_TRUE(again.Refresh().ok());
  EXPECT_EQ(GaugeValue(other, "himaya_beneficiary_beneficiaries", "amo-tns", "AGRI", "Fes-Meknes"), 5);

  // A group that empties goes to 0 instead of keeping its last value.
  ASSERT_TRUE(Write([](storage::Transaction& tx) {
                return tx.Execute("DELETE FROM insured WHERE registration_number = '3'").status();
              }).ok());
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tadamon", "AGRI", "Oriental"), 0);
}

TEST_P(FamilyFiguresTest, OnlyWhoTheRulesCoverTodayIsCounted) {
  Register("1", "amo-tns", "Fes-Meknes");
  Declare("1-01", kChild, std::nullopt, absl::CivilDay(2000, 1, 1));  // 26 years old, period still open
  Declare("1-02", kChild, std::nullopt, absl::CivilDay(2015, 1, 1), DependentState::kRefused);
  Declare("1-03", kChild, std::nullopt, absl::CivilDay(2015, 1, 1), DependentState::kDetailsPending);
  Declare("1-04", kChild);
  // Known only from a household event (a placeholder, not registered yet): not counted.
  InWrite([&](storage::Transaction& tx) {
    return InsuredStore::RecordEnrolment(tx,
                                         {"9", "amo-tns", "", "HouseholdMemberDeclared", absl::CivilDay(2026, 1, 1)});
  });
  // A person merged into a second program counts under both.
  InWrite([&](storage::Transaction& tx) {
    return InsuredStore::RecordEnrolment(tx, {"1", "amo-tadamon", "RAMED", "PersonMerged", absl::CivilDay(2024, 1, 1)});
  });
  prometheus::Registry registry;
  FamilyFigures figures(*db_, FamilyRules::Shipped(), registry, clock_);
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_children", "amo-tns", "AGRI", "Fes-Meknes"), 1)
      << "past the age limit, refused or pending: not covered";
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tns", "AGRI", "Fes-Meknes"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tadamon", "RAMED", "Fes-Meknes"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tns", "", ""), -1) << "no placeholder group";
}

// A pass over many families, timed: HIMAYA_FIGURES_ROWS insured (default 5,000), each with a
// spouse and two children (so 4 x that many beneficiaries), on the current backend.
TEST_P(FamilyFiguresTest, APassOverManyFamiliesIsTimed) {
  const char* env = std::getenv("HIMAYA_FIGURES_ROWS");
  const int64_t n = env != nullptr ? std::atoll(env) : 5000;
  constexpr int64_t kChunk = 5000;
  for (int64_t from = 0; from < n; from += kChunk) {
    ASSERT_TRUE(
        Write([&](storage::Transaction& tx) -> absl::Status {
          std::vector<std::vector<storage::Value>> insured, enrolments, beneficiaries, periods;
          for (int64_t i = from; i < std::min(n, from + kChunk); ++i) {
            const std::string number = absl::StrCat(100000000 + i);
            insured.push_back({number, "amo-tns", "AGRI", "Fes", "Fes-Meknes", "2022-04-01", 1});
            enrolments.push_back({number, "amo-tns", "AGRI", "PersonRegistered", "2022-04-01"});
            for (int rank = 1; rank <= 3; ++rank) {
              const std::string id = absl::StrCat(number, "-0", rank);
              beneficiaries.push_back({id, number, rank == 1 ? kSpouse : kChild, "A", "B",
                                       rank == 3 ? "2000-01-01" : "2015-01-01", "F", storage::Value(), storage::Value(),
                                       0, storage::Value(), "amo-tns", kSourcePortal, storage::Value(), "ACTIVE",
                                       storage::Value(), 0});
              periods.push_back({id, "2022-05-01", storage::Value()});
            }
          }
          for (auto [table, columns, rows] :
               std::vector<std::tuple<const char*, std::vector<std::string>, decltype(insured)*>>{
                   {"insured",
                    {"registration_number", "program", "category", "city", "region", "registered_on", "registered"},
                    &insured},
                   {"enrolments", {"registration_number", "program", "category", "source_event", "since"}, &enrolments},
                   {"beneficiaries",
                    {"beneficiary_id", "registration_number", "relationship", "first_name", "last_name", "birth_date",
                     "sex", "cin", "identity_key", "disabled", "studying_until", "program", "source", "member_id",
                     "state", "refusal", "declared_at_us"},
                    &beneficiaries},
                   {"coverage_periods", {"beneficiary_id", "start_date", "end_date"}, &periods}}) {
            RETURN_IF_ERROR(storage::InsertRows(tx, table, columns, *rows).status());
          }
          return absl::OkStatus();
        }).ok());
  }
  prometheus::Registry registry;
  FamilyFigures figures(*db_, FamilyRules::Shipped(), registry, clock_);
  const absl::Time started = absl::Now();
  ASSERT_TRUE(figures.Refresh().ok());
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_insured", "amo-tns", "AGRI", "Fes-Meknes"), n);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_spouses", "amo-tns", "AGRI", "Fes-Meknes"), n);
  EXPECT_EQ(GaugeValue(registry, "himaya_beneficiary_children", "amo-tns", "AGRI", "Fes-Meknes"), n)
      << "the children born in 2000 are past the age limit";
  RecordProperty("families", std::to_string(n));
  RecordProperty("pass_seconds", std::to_string(seconds));
  std::printf("figures pass: %lld insured, %lld beneficiaries rows, %.2f s, %.0f rows/s\n", static_cast<long long>(n),
              static_cast<long long>(3 * n), seconds, static_cast<double>(4 * n) / seconds);
}

INSTANTIATE_BACKENDS(FamilyFiguresTest);

}  // namespace
}  // namespace himaya::beneficiary
