// Portal logins per registration number in the database (`login_attempts`): the attempts of a
// window and the end of a lock-out, kept for numbers known or not. The SQL of this table lives
// here, and only here.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace himaya::registration {

struct LoginAttempts {
  int64_t attempts = 0;
  int64_t since_us = 0;
  int64_t locked_until_us = 0;  // 0: not locked
};

class LoginAttemptStore {
 public:
  // Counts an attempt on `registration_number` and returns the attempts of its window, in one
  // statement that holds the row until commit (concurrent logins queue and cannot pass the
  // limit). The window of an unlocked number begun before `window_start_us`, or a lock-out ended
  // by `now_us`, starts afresh. Empty, and nothing counted, while the number is locked or its window already
  // holds `max_attempts`.
  static absl::StatusOr<std::optional<int64_t>> TakeAttempt(storage::Transaction& tx,
                                                            absl::string_view registration_number, int64_t now_us,
                                                            int64_t window_start_us, int max_attempts);
  static absl::StatusOr<std::optional<LoginAttempts>> Find(storage::Transaction& tx,
                                                           absl::string_view registration_number);
  // Locks the number until `locked_until_us` when its window holds `max_attempts` (a failure
  // reached the limit) and it is not locked already.
  static absl::Status LockIfReached(storage::Transaction& tx, absl::string_view registration_number, int max_attempts,
                                    int64_t locked_until_us);
  // Forgets the number's attempts (a successful login).
  static absl::Status Reset(storage::Transaction& tx, absl::string_view registration_number);
  // Deletes some rows whose window began before `window_start_us` and whose lock-out ended
  // before `now_us` (of no more use).
  static absl::Status ForgetEnded(storage::Transaction& tx, int64_t window_start_us, int64_t now_us);
};

}  // namespace himaya::registration
