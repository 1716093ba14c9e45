#include "beneficiary/src/coverage.h"

namespace himaya::beneficiary {

Relationship RelationshipOf(absl::string_view name) {
  if (name == kSpouse) return Relationship::kSpouse;
  if (name == kChild) return Relationship::kChild;
  return Relationship::kInsured;
}

BeneficiaryFacts FactsOf(const Dependent& d) {
  BeneficiaryFacts facts;
  facts.relationship = RelationshipOf(d.relationship);
  facts.birth_date = d.birth_date.value_or(absl::CivilDay());
  facts.disabled = d.disabled;
  facts.studying_until = d.studying_until;
  for (const Period& p : d.periods) facts.periods.push_back({p.start, p.end, ReasonCode::kRemoved});
  return facts;
}

FamilySnapshot SnapshotBefore(const std::vector<Dependent>& family, absl::string_view beneficiary_id) {
  FamilySnapshot snapshot;
  for (const Dependent& member : family) {
    if (member.beneficiary_id == beneficiary_id || member.state == DependentState::kRefused) continue;
    // Ids of one family differ only by their two-digit rank: they sort in the order recorded.
    const bool recorded_after = !beneficiary_id.empty() && member.beneficiary_id > beneficiary_id;
    if (member.state == DependentState::kDetailsPending && recorded_after) continue;
    snapshot.members.push_back(FactsOf(member));
  }
  return snapshot;
}

CoverageAnswer InsuredCoverageOn(const FamilyRules& rules, const Insured& insured, absl::CivilDay date) {
  if (date >= insured.registered_on) {
    for (const Suspension& s : insured.suspensions) {
      if (s.from <= date && (!s.to || date <= *s.to)) return {false, ReasonCode::kContributionsUnpaid};
    }
  }
  // The periods also tell the last covered day.
  BeneficiaryFacts facts;
  facts.relationship = Relationship::kInsured;
  facts.birth_date = insured.registered_on;  // an insured has no age limit
  facts.periods = InsuredPeriods(insured);
  return CoverageOn(rules, facts, date);
}

std::vector<CoveragePeriod> InsuredPeriods(const Insured& insured) {
  std::vector<CoveragePeriod> periods;
  std::optional<absl::CivilDay> start = insured.registered_on;
  for (const Suspension& s : insured.suspensions) {
    if (!start) break;
    if (s.from > *start) periods.push_back({*start, s.from - 1, ReasonCode::kContributionsUnpaid});
    if (!s.to) {
      start.reset();
    } else if (*s.to + 1 > *start) {
      start = *s.to + 1;
    }
  }
  if (start) periods.push_back({*start, std::nullopt, ReasonCode::kRemoved});
  return periods;
}

Coverage CoverageOf(const CoverageAnswer& answer) {
  Coverage out;
  out.covered = answer.covered;
  if (!answer.covered) out.reason = std::string(ReasonName(answer.reason));
  if (answer.covered) out.covered_until = answer.covered_until;
  return out;
}

Coverage DependentCoverageOn(const FamilyRules& rules, const Dependent& dependent, const Insured& insured,
                             absl::CivilDay date) {
  if (dependent.state == DependentState::kDetailsPending) {
    return {false, std::string(ReasonName(ReasonCode::kDetailsPending)), std::nullopt};
  }
  if (dependent.state == DependentState::kRefused) return {false, dependent.refusal, std::nullopt};
  return CoverageOf(
      ThroughInsured(CoverageOn(rules, FactsOf(dependent), date), InsuredCoverageOn(rules, insured, date)));
}

}  // namespace himaya::beneficiary
