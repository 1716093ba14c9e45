// What registration's events mean to the contributions service, applied in the inbox's
// transaction: PersonRegistered records an insured of a program with contributions;
// PersonMerged records an insured merged into such a program. Events of programs without
// contributions, and every other event, change nothing; so does an event applied twice.
#pragma once

#include "absl/time/time.h"
#include "contributions/src/contribution_rules.h"
#include "events/inbox.h"

namespace himaya::contributions {

class RegistrationEvents final : public events::EventApplier {
 public:
  // Days of registration and merge are days in `zone`.
  RegistrationEvents(const ContributionRules& rules, absl::TimeZone zone) : rules_(rules), zone_(zone) {}
  // INVALID_ARGUMENT (the event is dead-lettered) for an event of a program with contributions
  // without its registration number.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;

 private:
  const ContributionRules& rules_;
  absl::TimeZone zone_;
};

}  // namespace himaya::contributions
