#include "registration/src/ivr_attempt_store.h"

#include "core/status_macros.h"

namespace himaya::registration {

absl::StatusOr<std::optional<int64_t>> IvrAttemptStore::CountFailure(storage::Transaction& tx,
                                                                     absl::string_view subject, int64_t now_us,
                                                                     int64_t window_start_us) {
  ASSIGN_OR_RETURN(auto counted, tx.Query("INSERT INTO ivr_attempts (subject, failures, since_us) VALUES ($1, 1, $2) "
                                          "ON CONFLICT (subject) DO UPDATE SET "
                                          "failures = CASE WHEN ivr_attempts.since_us < $3 THEN 1 "
                                          "ELSE ivr_attempts.failures + 1 END, "
                                          "since_us = CASE WHEN ivr_attempts.since_us < $3 THEN $2 "
                                          "ELSE ivr_attempts.since_us END RETURNING failures",
                                          {subject, now_us, window_start_us}));
  if (counted.empty()) return std::nullopt;
  return counted[0].Int(0);
}

absl::Status IvrAttemptStore::TakeBackFailure(storage::Transaction& tx, absl::string_view subject) {
  return tx.Execute("UPDATE ivr_attempts SET failures = failures - 1 WHERE subject = $1", {subject}).status();
}

absl::Status IvrAttemptStore::ForgetEnded(storage::Transaction& tx, int64_t window_start_us) {
  return tx
      .Execute(
          "DELETE FROM ivr_attempts WHERE subject IN "
          "(SELECT subject FROM ivr_attempts WHERE since_us < $1 LIMIT 100)",
          {window_start_us})
      .status();
}

}  // namespace himaya::registration
