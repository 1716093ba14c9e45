#include "beneficiary/src/family_figures.h"

#include <map>

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/coverage.h"
#include "beneficiary/src/insured_store.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

const std::vector<std::string>& GroupLabels() {
  static const auto* const labels = new std::vector<std::string>{"program", "category", "region"};
  return *labels;
}

// Insured persons read per page of the pass (their enrolments and dependents with them).
constexpr int kPage = 2000;

}  // namespace

FamilyFigures::FamilyFigures(storage::Database& db, const FamilyRules& rules, prometheus::Registry& registry,
                             const core::Clock& clock, absl::TimeZone zone)
    : db_(db),
      rules_(rules),
      clock_(clock),
      zone_(zone),
      insured_(registry, "himaya_beneficiary_insured", "Insured persons, by program, category and region",
               GroupLabels()),
      spouses_(registry, "himaya_beneficiary_spouses",
               "Spouses covered today, by their insured's program, category and region", GroupLabels()),
      children_(registry, "himaya_beneficiary_children",
                "Children covered today, by their insured's program, category and region", GroupLabels()),
      beneficiaries_(registry, "himaya_beneficiary_beneficiaries",
                     "Insured persons and their covered spouses and children, by program, category and region",
                     GroupLabels()) {}

absl::Status FamilyFigures::CountPage(const std::vector<Insured>& page, absl::CivilDay today,
                                      std::map<Group, FamilyCount>& counts) {
  std::vector<Enrolment> enrolments;
  std::vector<Dependent> dependents;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    const std::string& first = page.front().registration_number;
    const std::string& last = page.back().registration_number;
    ASSIGN_OR_RETURN(enrolments, InsuredStore::EnrolmentsBetween(tx, first, last));
    ASSIGN_OR_RETURN(dependents, BeneficiaryStore::ActiveBetween(tx, first, last));
    return absl::OkStatus();
  }));
  std::map<std::string, const Insured*> insured;
  for (const Insured& i : page) insured[i.registration_number] = &i;
  // The category of an insured in each program (their enrolment's).
  std::map<std::pair<std::string, std::string>, std::string> category;
  for (const Enrolment& e : enrolments) {
    const auto at = insured.find(e.registration_number);
    if (at == insured.end() || !at->second->registered) continue;
    category[{e.registration_number, e.program}] = e.category;
    if (InsuredCoverageOn(rules_, *at->second, today).covered)
      ++counts[{e.program, e.category, at->second->region}].insured;
  }
  for (const Dependent& d : dependents) {
    const auto at = insured.find(d.registration_number);
    if (at == insured.end() || !at->second->registered) continue;
    if (!DependentCoverageOn(rules_, d, *at->second, today).covered) continue;
    const auto in_program = category.find({d.registration_number, d.program});
    FamilyCount& c = counts[{d.program, in_program != category.end() ? in_program->second : at->second->category,
                             at->second->region}];
    ++(d.relationship == kSpouse ? c.spouses : c.children);
  }
  return absl::OkStatus();
}

absl::Status FamilyFigures::Refresh(const std::function<bool()>& stopping) {
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), zone_);
  std::map<Group, FamilyCount> now;
  std::string after;
  absl::Status pass;
  while (pass.ok()) {
    if (stopping && stopping()) return absl::CancelledError("family figures: the process is stopping");
    std::vector<Insured> page;
    pass = db_.Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(page, InsuredStore::Page(tx, after, kPage));
      return absl::OkStatus();
    });
    if (!pass.ok() || page.empty()) break;
    pass = CountPage(page, today, now);
    if (page.size() < static_cast<size_t>(kPage)) break;
    after = page.back().registration_number;
  }
  if (!pass.ok()) return pass;
  metrics::FigureGauge::Values insured, spouses, children, beneficiaries;
  for (const auto& [group, c] : now) {
    const std::vector<std::string> labels = {std::get<0>(group), std::get<1>(group), std::get<2>(group)};
    insured[labels] = static_cast<double>(c.insured);
    spouses[labels] = static_cast<double>(c.spouses);
    children[labels] = static_cast<double>(c.children);
    beneficiaries[labels] = static_cast<double>(c.insured + c.spouses + c.children);
  }
  insured_.Publish(insured);
  spouses_.Publish(spouses);
  children_.Publish(children);
  beneficiaries_.Publish(beneficiaries);
  return absl::OkStatus();
}

}  // namespace himaya::beneficiary
