// Suspensions of coverage for unpaid contributions in the beneficiary service's own database
// (their SQL lives here, and only here): recorded from the contributions service's events, read
// with the insured by InsuredStore.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "beneficiary/src/family.h"
#include "storage/database.h"

namespace himaya::beneficiary {

class SuspensionStore {
 public:
  // Suspends the insured from `from` (included). Nothing when a suspension is open already (the
  // first one holds until restored). Returns whether one was recorded.
  static absl::StatusOr<bool> Suspend(storage::Transaction& tx, absl::string_view registration_number,
                                      absl::string_view program, absl::CivilDay from);
  // Ends the open suspension: covered again from `from`; a suspension that had not started by
  // then is forgotten (no day was suspended). Returns whether one was open.
  static absl::StatusOr<bool> Restore(storage::Transaction& tx, absl::string_view registration_number,
                                      absl::CivilDay from);
  // The suspensions of each of `numbers` that has any, by start.
  static absl::StatusOr<std::map<std::string, std::vector<Suspension>>> ForMany(
      storage::Transaction& tx, const std::vector<std::string>& numbers);
};

}  // namespace himaya::beneficiary
