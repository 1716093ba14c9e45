// What registration's events mean to the beneficiary service, in one place, applied in the
// inbox's transaction: PersonRegistered records an insured person (and their enrolment);
// PersonMerged enrols a person in one more program (recording them when their registration,
// on another program's topic, has not come yet); HouseholdMemberDeclared records a spouse or
// child of a liaison household, DETAILS_PENDING until HouseholdDetails asks registration who
// they are. Other events change nothing; so does an event applied twice (natural keys).
#pragma once

#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "events/inbox.h"

namespace himaya::beneficiary {

class RegistrationEvents final : public events::EventApplier {
 public:
  // `on_member_pending` runs once household members recorded DETAILS_PENDING are committed (the
  // loop asking registration wakes there and finds them); not when the transaction rolls back.
  // Days (of registration, of a merge, the start of a household member's period) are days in
  // `zone`, the zone of "today" in the rest of the service.
  RegistrationEvents(
      const core::Clock& clock, absl::TimeZone zone, std::function<void()> on_member_pending = [] {})
      : clock_(clock), zone_(zone), on_member_pending_(std::move(on_member_pending)) {}
  // INVALID_ARGUMENT (the event is dead-lettered) for an event without its registration number,
  // a household member without its id or with another relationship than SPOUSE or CHILD.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
  // Logs the household members recorded by the transaction and wakes the loop, when committed.
  void Finished(bool committed) override;

 private:
  const core::Clock& clock_;
  absl::TimeZone zone_;
  std::function<void()> on_member_pending_;
  absl::Mutex mu_;
  // Household members recorded by the open transaction: event id -> beneficiary id (keyed by
  // event, as a retried transaction applies its events again).
  absl::flat_hash_map<std::string, std::string> recorded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace himaya::beneficiary
