#include "contributions/src/contribution_figures.h"

#include "absl/time/civil_time.h"
#include "core/status_macros.h"

namespace himaya::contributions {
namespace {

const std::vector<std::string> kLabels = {"program", "region"};

}  // namespace

ContributionFigures::ContributionFigures(storage::Database& db, prometheus::Registry& registry,
                                         const core::Clock& clock, absl::TimeZone zone,
                                         std::vector<std::string> programs)
    : db_(db),
      clock_(clock),
      zone_(zone),
      programs_(std::move(programs)),
      called_(registry, "himaya_contributions_called_centimes",
              "Contributions called, every period, in centimes (from the database)", kLabels),
      paid_(registry, "himaya_contributions_paid_centimes",
            "Contributions paid on the calls, every period, in centimes (from the database)", kLabels),
      in_arrears_(registry, "himaya_contributions_insured_in_arrears",
                  "Insured with a call billed to them unpaid after its due date (from the database)", kLabels),
      suspended_(registry, "himaya_contributions_insured_suspended",
                 "Insured whose coverage is suspended now for unpaid contributions (from the database)", kLabels) {}

absl::Status ContributionFigures::Refresh(const metrics::FiguresPass::Stopping& stopping) {
  metrics::FigureGauge::Values called, paid, in_arrears, suspended;
  for (const std::string& program : programs_) {
    called[{program, ""}] = 0;
    paid[{program, ""}] = 0;
    in_arrears[{program, ""}] = 0;
    suspended[{program, ""}] = 0;
  }
  const std::string today = absl::FormatCivilTime(absl::ToCivilDay(clock_.Now(), zone_));
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto amounts, tx.Query("SELECT program, region, SUM(amount_centimes), SUM(paid_centimes) "
                                            "FROM calls GROUP BY program, region"));
    for (const storage::Row& r : amounts) {
      called[{r.Text(0), r.Text(1)}] = static_cast<double>(r.Int(2));
      paid[{r.Text(0), r.Text(1)}] = static_cast<double>(r.Int(3));
    }
    if (stopping()) return absl::CancelledError("figures: stopping");
    // Calls billed to the state put no insured in arrears (they never suspend anyone).
    ASSIGN_OR_RETURN(auto late, tx.Query("SELECT program, region, COUNT(DISTINCT registration_number) FROM calls "
                                         "WHERE payer = 'INSURED' AND paid_centimes < amount_centimes "
                                         "AND due_date < $1 GROUP BY program, region",
                                         {today}));
    for (const storage::Row& r : late) in_arrears[{r.Text(0), r.Text(1)}] = static_cast<double>(r.Int(2));
    if (stopping()) return absl::CancelledError("figures: stopping");
    ASSIGN_OR_RETURN(auto open, tx.Query("SELECT program, region, COUNT(*) FROM suspensions "
                                         "WHERE restored_from IS NULL GROUP BY program, region"));
    for (const storage::Row& r : open) suspended[{r.Text(0), r.Text(1)}] = static_cast<double>(r.Int(2));
    return absl::OkStatus();
  }));
  called_.Publish(called);
  paid_.Publish(paid);
  in_arrears_.Publish(in_arrears);
  suspended_.Publish(suspended);
  return absl::OkStatus();
}

}  // namespace himaya::contributions
