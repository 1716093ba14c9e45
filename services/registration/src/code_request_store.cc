#include "registration/src/code_request_store.h"

#include "core/status_macros.h"

namespace himaya::registration {
namespace {

absl::StatusOr<RequestsInWindow> Counted(storage::Transaction& tx, absl::string_view sql, absl::string_view key,
                                         int64_t window_start_us) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {key, window_start_us}));
  if (rows.empty() || rows[0].IsNull(1)) return RequestsInWindow{};
  return RequestsInWindow{rows[0].Int(0), rows[0].Int(1)};
}

}  // namespace

absl::Status CodeRequestStore::Hold(storage::Transaction& tx, absl::string_view subject, int64_t now_us) {
  return tx
      .Execute(
          "INSERT INTO code_request_subjects (subject, last_us) VALUES ($1, $2) "
          "ON CONFLICT (subject) DO UPDATE SET last_us = excluded.last_us",
          {subject, now_us})
      .status();
}

absl::StatusOr<RequestsInWindow> CodeRequestStore::ForNumber(storage::Transaction& tx, absl::string_view number,
                                                             int64_t window_start_us) {
  return Counted(tx,
                 "SELECT COUNT(*), MIN(requested_at_us) FROM code_requests "
                 "WHERE registration_number = $1 AND requested_at_us > $2",
                 number, window_start_us);
}

absl::StatusOr<RequestsInWindow> CodeRequestStore::ForPhone(storage::Transaction& tx, absl::string_view phone_subject,
                                                            int64_t window_start_us) {
  return Counted(tx,
                 "SELECT COUNT(*), MIN(requested_at_us) FROM code_requests "
                 "WHERE phone_subject = $1 AND requested_at_us > $2",
                 phone_subject, window_start_us);
}

absl::Status CodeRequestStore::Insert(storage::Transaction& tx, const CodeRequest& r) {
  return tx
      .Execute(
          "INSERT INTO code_requests (request_id, registration_number, phone_subject, requested_at_us) "
          "VALUES ($1, $2, $3, $4)",
          {r.request_id, r.registration_number,
           r.phone_subject.empty() ? storage::Value() : storage::Value(r.phone_subject), r.requested_at_us})
      .status();
}

absl::Status CodeRequestStore::ForgetEnded(storage::Transaction& tx, int64_t window_start_us) {
  RETURN_IF_ERROR(tx.Execute("DELETE FROM code_requests WHERE request_id IN (SELECT request_id FROM code_requests "
                             "WHERE requested_at_us < $1 LIMIT 100)",
                             {window_start_us})
                      .status());
  return tx
      .Execute(
          "DELETE FROM code_request_subjects WHERE subject IN (SELECT subject FROM code_request_subjects "
          "WHERE last_us < $1 LIMIT 100)",
          {window_start_us})
      .status();
}

}  // namespace himaya::registration
