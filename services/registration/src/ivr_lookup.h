// The interactive voice server's lookup: the registration number of the person with a CIN and a
// birth date, and nothing else. Failed lookups are counted in the database, per CIN and per
// caller, over a window: past either limit a lookup is refused (RESOURCE_EXHAUSTED) whatever its
// answer would be, so that finding a birth date by trying them all takes years instead of a
// second. The counts hold across replicas and restarts; the answer is the same whether the CIN
// or the date is wrong.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "storage/database.h"

namespace himaya::registration {

struct IvrLimits {
  int failures_per_cin = 5;
  int failures_per_caller = 20;
  absl::Duration window = absl::Hours(1);
};

// INVALID_ARGUMENT naming the flag when a limit or the window is not positive.
absl::Status CheckIvrLimits(const IvrLimits& limits);

class IvrLookup {
 public:
  IvrLookup(storage::Database& db, const core::Clock& clock, IvrLimits limits)
      : db_(db), clock_(clock), limits_(limits) {}

  // `caller`: who asks (the gRPC peer's identity, with what the voice server says of the call).
  // INVALID_ARGUMENT for a malformed CIN or date (not counted: they cannot match anybody);
  // NOT_FOUND, one message, when no person has this CIN and birth date; RESOURCE_EXHAUSTED when
  // the CIN or the caller had too many failures within the window.
  absl::StatusOr<std::string> Lookup(absl::string_view cin, absl::string_view birth_date, absl::string_view caller);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const IvrLimits limits_;
};

}  // namespace himaya::registration
