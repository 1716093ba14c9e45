#include "beneficiary/src/allowance_figures.h"

#include "beneficiary/src/allowance_rules.h"
#include "beneficiary/src/allowance_store.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

const std::vector<std::string>& GroupLabels() {
  static const auto* const labels = new std::vector<std::string>{"program", "region"};
  return *labels;
}

}  // namespace

AllowanceFigures::AllowanceFigures(storage::Database& db, prometheus::Registry& registry, bool serves_program)
    : db_(db),
      serves_program_(serves_program),
      households_(registry, "himaya_allowances_households_paid",
                  "Households paid a family allowance by the last paid run, by program and region", GroupLabels()),
      children_(registry, "himaya_allowances_children_paid",
                "Children with a right in the households the last paid run paid, by program and region", GroupLabels()),
      paid_(registry, "himaya_allowances_paid_centimes",
            "Centimes paid (amount, arrears, less recovery) by the last paid run, by program and region",
            GroupLabels()) {}

absl::Status AllowanceFigures::Refresh(const std::function<bool()>&) {
  std::vector<AllowancePaidGroup> groups;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> run, AllowanceStore::LastPaidRun(tx));
    if (!run) return absl::OkStatus();
    ASSIGN_OR_RETURN(groups, AllowanceStore::PaidByRegion(tx, run->run_id));
    return absl::OkStatus();
  }));
  metrics::FigureGauge::Values households, children, paid;
  if (serves_program_) {
    const std::vector<std::string> none = {kFamilyAllowancesProgram, ""};
    households[none] = children[none] = paid[none] = 0;
  }
  for (const AllowancePaidGroup& g : groups) {
    const std::vector<std::string> labels = {kFamilyAllowancesProgram, g.region};
    households[labels] = static_cast<double>(g.households);
    children[labels] = static_cast<double>(g.children);
    paid[labels] = static_cast<double>(g.paid_centimes);
  }
  households_.Publish(households);
  children_.Publish(children);
  paid_.Publish(paid);
  return absl::OkStatus();
}

}  // namespace himaya::beneficiary
