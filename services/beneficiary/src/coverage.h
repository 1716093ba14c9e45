// Coverage on a date of an insured or a dependent as stored, decided by the family rules
// (family_rules.h): the stored records become the rules' facts here, and only here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/family_rules.h"

namespace himaya::beneficiary {

// Covered or not on a date, and when not, why (a ReasonName, or a refused member's code).
struct Coverage {
  bool covered = false;
  std::string reason;
  // When covered and an end is known: the last covered day.
  std::optional<absl::CivilDay> covered_until;
};

// The rules' facts of a stored dependent (a member whose details are pending has none that
// count: DependentCoverageOn answers for it).
BeneficiaryFacts FactsOf(const Dependent& dependent);
// The family a member joins, as the rules see it: its ACTIVE members, and those waiting for their
// details that were recorded before `beneficiary_id` (all of them for a new declaration, whose id
// is empty); REFUSED members and the member itself left out. Declarations and household
// decisions are checked against it alike.
FamilySnapshot SnapshotBefore(const std::vector<Dependent>& family, absl::string_view beneficiary_id = "");
// The relationship named "SPOUSE" or "CHILD" (kInsured otherwise).
Relationship RelationshipOf(absl::string_view name);

// The insured's coverage on `date`: from their registration day, without end but for their
// suspensions (CONTRIBUTIONS_UNPAID on their days; covered until the day before one starts).
CoverageAnswer InsuredCoverageOn(const FamilyRules& rules, const Insured& insured, absl::CivilDay date);
// The insured's periods of coverage InsuredCoverageOn decides by: from their registration day to
// the day before each suspension (ended CONTRIBUTIONS_UNPAID), again from the day after it.
std::vector<CoveragePeriod> InsuredPeriods(const Insured& insured);
// A dependent's coverage on `date` through `insured`: DETAILS_PENDING while their identity is
// not known, the refusal's code when refused, else the rules' answer through the insured's.
Coverage DependentCoverageOn(const FamilyRules& rules, const Dependent& dependent, const Insured& insured,
                             absl::CivilDay date);
// `answer` as the API gives it.
Coverage CoverageOf(const CoverageAnswer& answer);

}  // namespace himaya::beneficiary
