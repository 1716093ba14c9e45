// The figures of contributions on both backends with a fake clock: called and paid amounts by
// program and region, the insured in arrears (a call billed to them unpaid after its due date,
// counted once however many calls; calls billed to the state never), the suspensions open now,
// every program served at 0 before it has any, and a group gone back to 0.
#include "contributions/src/contribution_figures.h"

#include "contributions/test/contributions_database.h"
#include "gtest/gtest.h"
#include "metrics/scrape.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace himaya::contributions {
namespace {

class ContributionFiguresTest : public ContributionsDatabaseTest {
 protected:
  void SetUp() override {
    ContributionsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    figures_ = std::make_unique<ContributionFigures>(*db_, registry_, clock_, absl::UTCTimeZone(),
                                                     std::vector<std::string>{"amo-tadamon", "amo-tns"});
  }
  void Call(const std::string& number, const std::string& program, const std::string& period, const std::string& region,
            int64_t amount, int64_t paid, const std::string& due, const std::string& payer = "INSURED") {
    testing::Execute(*db_,
                     "INSERT INTO calls (registration_number, program, period, payer, category, region, "
                     "amount_centimes, paid_centimes, due_date, called_at_us) "
                     "VALUES ($1, $2, $3, $4, 'AGRI', $5, $6, $7, $8, 0)",
                     {number, program, period, payer, region, amount, paid, due});
  }
  void Suspension(const std::string& number, const std::string& region, const std::string& from,
                  bool restored = false) {
    testing::Execute(*db_,
                     "INSERT INTO suspensions (registration_number, program, from_date, arrears_centimes, "
                     "oldest_unpaid_period, region, suspended_at_us, restored_from) "
                     "VALUES ($1, 'amo-tns', $2, 9555, '2025-10', $3, 0, $4)",
                     {number, from, region, restored ? storage::Value(std::string("2026-02-20")) : storage::Value()});
  }
  double Sum(const std::string& name, metrics::MetricLabels labels) {
    return metrics::RegistrySum(registry_, name, labels);
  }
  void Refresh() {
    absl::Status s = figures_->Refresh([] { return false; });
    ASSERT_TRUE(s.ok()) << s;
  }
  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  prometheus::Registry registry_;
  std::unique_ptr<ContributionFigures> figures_;
};

TEST_P(ContributionFiguresTest, EveryProgramServedShowsZeroBeforeItHasAny) {
  Refresh();
  for (const std::string name : {"himaya_contributions_called_centimes", "himaya_contributions_paid_centimes",
                                 "himaya_contributions_insured_in_arrears", "himaya_contributions_insured_suspended"}) {
    EXPECT_NE(Metrics().find(name + "{program=\"amo-tns\",region=\"\"} 0"), std::string::npos) << name << Metrics();
    EXPECT_NE(Metrics().find(name + "{program=\"amo-tadamon\",region=\"\"} 0"), std::string::npos) << name;
  }
}

TEST_P(ContributionFiguresTest, CalledPaidInArrearsAndSuspendedByProgramAndRegion) {
  // Today is 2026-03-02 (the fixture's clock).
  Call("100000017", "amo-tns", "2026-01", "Casablanca-Settat", 9555, 9555, "2026-02-28");
  Call("100000017", "amo-tns", "2026-02", "Casablanca-Settat", 9555, 0, "2026-03-31");       // not yet due
  Call("100000025", "amo-tns", "2025-12", "Oriental", 9555, 1000, "2026-01-31");             // late
  Call("100000025", "amo-tns", "2026-01", "Oriental", 9555, 0, "2026-02-28");                // late, same insured
  Call("100000033", "amo-tadamon", "2026-01", "Oriental", 12740, 0, "2026-02-28", "STATE");  // the state's
  Suspension("100000025", "Oriental", "2026-05-01");
  Suspension("100000041", "Oriental", "2026-01-01", /*restored=*/true);
  Refresh();
  EXPECT_EQ(Sum("himaya_contributions_called_centimes", {{"program", "amo-tns"}}), 4 * 9555) << Metrics();
  EXPECT_EQ(Sum("himaya_contributions_called_centimes", {{"program", "amo-tns"}, {"region", "Oriental"}}), 2 * 9555);
  EXPECT_EQ(Sum("himaya_contributions_called_centimes", {{"program", "amo-tadamon"}}), 12740);
  EXPECT_EQ(Sum("himaya_contributions_paid_centimes", {{"program", "amo-tns"}, {"region", "Casablanca-Settat"}}), 9555);
  EXPECT_EQ(Sum("himaya_contributions_paid_centimes", {{"program", "amo-tns"}, {"region", "Oriental"}}), 1000);
  EXPECT_EQ(Sum("himaya_contributions_insured_in_arrears", {{"program", "amo-tns"}, {"region", "Oriental"}}), 1)
      << "one insured, two late calls";
  EXPECT_EQ(Sum("himaya_contributions_insured_in_arrears", {{"program", "amo-tns"}, {"region", "Casablanca-Settat"}}),
            0)
      << "a call not yet due is not arrears";
  EXPECT_EQ(Sum("himaya_contributions_insured_in_arrears", {{"program", "amo-tadamon"}}), 0) << "the state's call";
  EXPECT_EQ(Sum("himaya_contributions_insured_suspended", {{"program", "amo-tns"}}), 1) << "the restored one is not";

  // The late insured pays everything: out of arrears, the group back to 0.
  testing::Execute(*db_, "UPDATE calls SET paid_centimes = amount_centimes WHERE registration_number = '100000025'");
  testing::Execute(*db_, "UPDATE suspensions SET restored_from = '2026-03-02' WHERE registration_number = '100000025'");
  Refresh();
  EXPECT_EQ(Sum("himaya_contributions_insured_in_arrears", {{"program", "amo-tns"}, {"region", "Oriental"}}), 0);
  EXPECT_EQ(Sum("himaya_contributions_insured_suspended", {{"program", "amo-tns"}}), 0);
  EXPECT_EQ(Sum("himaya_contributions_paid_centimes", {{"program", "amo-tns"}, {"region", "Oriental"}}), 2 * 9555);
}

TEST_P(ContributionFiguresTest, APassAskedToStopPublishesNothing) {
  Call("100000017", "amo-tns", "2026-01", "Casablanca-Settat", 9555, 0, "2026-02-28");
  EXPECT_EQ(figures_->Refresh([] { return true; }).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(Metrics().find("himaya_contributions_called_centimes{"), std::string::npos) << Metrics();
}

INSTANTIATE_BACKENDS(ContributionFiguresTest);

}  // namespace
}  // namespace himaya::contributions
