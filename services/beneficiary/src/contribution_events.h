// What the contributions service's events mean to the beneficiary service, applied in the
// inbox's transaction: CoverageSuspended suspends the insured's coverage (and so their family's)
// from its day, CoverageRestored ends the suspension the day before its own. Eligibility then
// answers CONTRIBUTIONS_UNPAID on the suspended days. Other events change nothing; so does an
// event applied twice (the inbox, and natural keys).
#pragma once

#include "events/inbox.h"

namespace himaya::beneficiary {

class ContributionEvents final : public events::EventApplier {
 public:
  // INVALID_ARGUMENT (the event is dead-lettered) for a suspension or restoration without its
  // registration number or with a day that is not a real YYYY-MM-DD.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
};

}  // namespace himaya::beneficiary
