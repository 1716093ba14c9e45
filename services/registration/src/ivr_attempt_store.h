// Failed IVR lookups in the database (`ivr_attempts`): a count per subject (a digest of a CIN or
// of a caller) over a window. The SQL of this table lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace himaya::registration {

class IvrAttemptStore {
 public:
  // Counts a failure of `subject` and returns its failures in the window, in one statement that
  // holds the row until commit (a window that began before `window_start_us` starts afresh at
  // `now_us`). Empty when the database returned nothing.
  static absl::StatusOr<std::optional<int64_t>> CountFailure(storage::Transaction& tx, absl::string_view subject,
                                                             int64_t now_us, int64_t window_start_us);
  // Takes back a failure counted (the lookup matched).
  static absl::Status TakeBackFailure(storage::Transaction& tx, absl::string_view subject);
  // Deletes some counts whose window began before `window_start_us` (of no more use).
  static absl::Status ForgetEnded(storage::Transaction& tx, int64_t window_start_us);
};

}  // namespace himaya::registration
