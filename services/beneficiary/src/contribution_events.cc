#include "beneficiary/src/contribution_events.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/suspension_store.h"
#include "core/status_macros.h"
#include "himaya/contributions/v1/events.pb.h"

namespace himaya::beneficiary {
namespace {

namespace contrib = himaya::contributions::v1;

// The event's day, or INVALID_ARGUMENT naming the event.
absl::StatusOr<absl::CivilDay> FromDay(absl::string_view event, const std::string& registration_number,
                                       const std::string& from_date) {
  if (registration_number.empty()) return absl::InvalidArgumentError(absl::StrCat(event, ": no registration_number"));
  std::optional<absl::CivilDay> day = ParseDay(from_date);
  if (!day) return absl::InvalidArgumentError(absl::StrCat(event, ": from_date must be a real date, YYYY-MM-DD"));
  return *day;
}

}  // namespace

absl::Status ContributionEvents::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  if (envelope.type() == events::EventType<contrib::CoverageSuspended>()) {
    ASSIGN_OR_RETURN(contrib::CoverageSuspended e, events::Unpack<contrib::CoverageSuspended>(envelope));
    ASSIGN_OR_RETURN(absl::CivilDay from, FromDay("CoverageSuspended", e.registration_number(), e.from_date()));
    const std::string& program = e.program().empty() ? envelope.program() : e.program();
    return SuspensionStore::Suspend(tx, e.registration_number(), program, from).status();
  }
  if (envelope.type() == events::EventType<contrib::CoverageRestored>()) {
    ASSIGN_OR_RETURN(contrib::CoverageRestored e, events::Unpack<contrib::CoverageRestored>(envelope));
    ASSIGN_OR_RETURN(absl::CivilDay from, FromDay("CoverageRestored", e.registration_number(), e.from_date()));
    return SuspensionStore::Restore(tx, e.registration_number(), from).status();
  }
  return absl::OkStatus();
}

}  // namespace himaya::beneficiary
