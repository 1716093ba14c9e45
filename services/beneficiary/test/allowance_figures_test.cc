// The family allowances' figures on both backends: the last PAID run's confirmed lines by
// region (a draft or a run in payment counts nothing; a failed line neither), and a region the
// next paid run does not hold goes to 0.
#include "beneficiary/src/allowance_figures.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/allowance_rules.h"
#include "beneficiary/src/allowance_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "core/status_macros.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

// The value of gauge `name` for family-allowances in `region`; -1 when absent.
double GaugeValue(prometheus::Registry& registry, const std::string& name, const std::string& region) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["program"] == kFamilyAllowancesProgram && labels["region"] == region) return metric.gauge.value;
    }
  }
  return -1;
}

class AllowanceFiguresTest : public BeneficiaryDatabaseTest {
 protected:
  // A run of `month` in `state`, with households (number, region, children, net, line status).
  struct Household {
    std::string number;
    std::string region;
    int children;
    int64_t net;
    std::string status;
  };
  void Run(absl::CivilMonth month, const std::string& state, const std::vector<Household>& households) {
    ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  AllowanceRunRecord run;
                  run.run_id = absl::StrCat("ALW-", FormatMonth(month));
                  run.month = month;
                  run.state = state;
                  run.created_at = clock_.Now();
                  RETURN_IF_ERROR(AllowanceStore::InsertRun(tx, run));
                  std::vector<AllowanceLine> lines;
                  for (const Household& h : households) {
                    AllowanceLine line;
                    line.registration_number = h.number;
                    line.region = h.region;
                    line.children_with_right = h.children;
                    line.amount_centimes = h.net;
                    lines.push_back(line);
                  }
                  RETURN_IF_ERROR(AllowanceStore::InsertHouseholds(tx, run.run_id, lines, {}));
                  for (const Household& h : households) {
                    RETURN_IF_ERROR(AllowanceStore::SetOutcome(tx, run.run_id, h.number, "", h.status, ""));
                  }
                  return absl::OkStatus();
                }).ok());
  }
};

TEST_P(AllowanceFiguresTest, TheLastPaidRunsConfirmedLinesByRegion) {
  prometheus::Registry registry;
  AllowanceFigures figures(*db_, registry);
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_households_paid", "Oriental"), -1) << "nothing paid yet";
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_households_paid", ""), 0) << "the program served, at 0";
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_paid_centimes", ""), 0);
  prometheus::Registry elsewhere;
  AllowanceFigures not_served(*db_, elsewhere, /*serves_program=*/false);
  ASSERT_TRUE(not_served.Refresh().ok());
  EXPECT_EQ(GaugeValue(elsewhere, "himaya_allowances_households_paid", ""), -1) << "a process not serving it";
  Run(absl::CivilMonth(2026, 3), kRunPaid,
      {{"100000017", "Oriental", 2, 60000, kLinePaid},
       {"100000025", "Oriental", 1, 30000, kLinePaid},
       {"100000033", "Oriental", 3, 90000, kLineFailed},
       {"100000041", "Souss-Massa", 1, 30000, kLinePaid}});
  Run(absl::CivilMonth(2026, 4), kRunInPayment, {{"100000017", "Draa-Tafilalet", 2, 60000, kLinePaid}});
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_households_paid", "Oriental"), 2);
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_children_paid", "Oriental"), 3);
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_paid_centimes", "Oriental"), 90000);
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_households_paid", "Souss-Massa"), 1);
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_households_paid", "Draa-Tafilalet"), -1) << "not paid yet";
  Run(absl::CivilMonth(2026, 5), kRunPaid, {{"100000041", "Souss-Massa", 2, 63600, kLinePaid}});
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_households_paid", "Oriental"), 0);
  EXPECT_EQ(GaugeValue(registry, "himaya_allowances_paid_centimes", "Souss-Massa"), 63600);
}

INSTANTIATE_BACKENDS(AllowanceFiguresTest);

}  // namespace
}  // namespace himaya::beneficiary
