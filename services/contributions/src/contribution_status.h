// An insured's contribution status: their calls with what was paid of each, the balance, the
// arrears (unpaid amounts of calls billed to the insured, not to the state, past their due date, on the clock's day in
// the service's zone).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "contributions/src/call_store.h"
#include "contributions/src/suspension_store.h"
#include "core/clock.h"
#include "storage/database.h"

namespace himaya::contributions {

struct ContributionStatus {
  std::string registration_number;
  // Oldest period first.
  std::vector<Call> calls;
  // Called minus paid (negative: paid in advance, the credit of payments not wholly applied).
  int64_t balance_centimes = 0;
  int64_t arrears_centimes = 0;
  // The programs in which the insured is suspended now.
  std::vector<Suspension> suspensions;
};

class ContributionStatuses {
 public:
  ContributionStatuses(storage::Database& db, const core::Clock& clock, absl::TimeZone zone)
      : db_(db), clock_(clock), zone_(zone) {}

  // INVALID_ARGUMENT for a number that is not one; NOT_FOUND for an insured the service has not
  // recorded (not registered in a program with contributions).
  absl::StatusOr<ContributionStatus> Get(absl::string_view registration_number) const;

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  absl::TimeZone zone_;
};

}  // namespace himaya::contributions
