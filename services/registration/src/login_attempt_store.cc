#include "registration/src/login_attempt_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::registration {

absl::StatusOr<std::optional<int64_t>> LoginAttemptStore::TakeAttempt(storage::Transaction& tx,
                                                                      absl::string_view number, int64_t now_us,
                                                                      int64_t window_start_us, int max_attempts) {
  // "Fresh": the window of an unlocked number is over, or its lock-out ended; the count starts
  // again. A lock-out outlasting the window holds until its end.
  constexpr char kFresh[] =
      "((login_attempts.locked_until_us = 0 AND login_attempts.since_us < $3) OR "
      "(login_attempts.locked_until_us > 0 AND login_attempts.locked_until_us <= $2))";
  ASSIGN_OR_RETURN(
      auto taken,
      tx.Query(absl::StrCat("INSERT INTO login_attempts (registration_number, attempts, since_us, locked_until_us) "
                            "VALUES ($1, 1, $2, 0) ON CONFLICT (registration_number) DO UPDATE SET "
                            "attempts = CASE WHEN ",
                            kFresh, " THEN 1 ELSE login_attempts.attempts + 1 END, since_us = CASE WHEN ", kFresh,
                            " THEN $2 ELSE login_attempts.since_us END, locked_until_us = CASE WHEN ", kFresh,
                            " THEN 0 ELSE login_attempts.locked_until_us END WHERE ", kFresh,
                            " OR (login_attempts.locked_until_us = 0 AND login_attempts.attempts < $4) "
                            "RETURNING attempts"),
               {number, now_us, window_start_us, max_attempts}));
  if (taken.empty()) return std::nullopt;
  return taken[0].Int(0);
}

absl::StatusOr<std::optional<LoginAttempts>> LoginAttemptStore::Find(storage::Transaction& tx,
                                                                     absl::string_view number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT attempts, since_us, locked_until_us FROM login_attempts "
                                       "WHERE registration_number = $1",
                                       {number}));
  if (rows.empty()) return std::nullopt;
  return LoginAttempts{rows[0].Int(0), rows[0].Int(1), rows[0].Int(2)};
}

absl::Status LoginAttemptStore::LockIfReached(storage::Transaction& tx, absl::string_view number, int max_attempts,
                                              int64_t locked_until_us) {
  return tx
      .Execute(
          "UPDATE login_attempts SET locked_until_us = $3 WHERE registration_number = $1 "
          "AND attempts >= $2 AND locked_until_us = 0",
          {number, max_attempts, locked_until_us})
      .status();
}

absl::Status LoginAttemptStore::Reset(storage::Transaction& tx, absl::string_view number) {
  return tx.Execute("DELETE FROM login_attempts WHERE registration_number = $1", {number}).status();
}

absl::Status LoginAttemptStore::ForgetEnded(storage::Transaction& tx, int64_t window_start_us, int64_t now_us) {
  return tx
      .Execute(
          "DELETE FROM login_attempts WHERE registration_number IN (SELECT registration_number FROM login_attempts "
          "WHERE since_us < $1 AND locked_until_us < $2 LIMIT 100)",
          {window_start_us, now_us})
      .status();
}

}  // namespace himaya::registration
