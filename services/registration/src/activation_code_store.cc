#include "registration/src/activation_code_store.h"

#include "core/status_macros.h"

namespace himaya::registration {

absl::StatusOr<bool> ActivationCodeStore::IsActive(storage::Transaction& tx, absl::string_view number) {
  ASSIGN_OR_RETURN(auto active, tx.Query("SELECT 1 FROM accounts WHERE registration_number = $1", {number}));
  return !active.empty();
}

absl::Status ActivationCodeStore::Issue(storage::Transaction& tx, absl::string_view number,
                                        const std::string& code_hash, int64_t issued_at_us, int64_t expires_at_us) {
  return tx
      .Execute(
          "INSERT INTO activation_codes (registration_number, code_hash, issued_at_us, expires_at_us, "
          "attempts, attempts_since_us) VALUES ($1, $2, $3, $4, 0, $3) "
          "ON CONFLICT (registration_number) DO UPDATE SET code_hash = excluded.code_hash, "
          "issued_at_us = excluded.issued_at_us, expires_at_us = excluded.expires_at_us, used_at_us = NULL",
          {number, storage::Bytes{code_hash}, issued_at_us, expires_at_us})
      .status();
}

absl::StatusOr<std::optional<std::string>> ActivationCodeStore::TakeAttempt(storage::Transaction& tx,
                                                                            absl::string_view number, int64_t now_us,
                                                                            int64_t window_start_us, int max_attempts) {
  ASSIGN_OR_RETURN(auto taken,
                   tx.Query("UPDATE activation_codes SET "
                            "attempts = CASE WHEN attempts_since_us < $3 THEN 1 ELSE attempts + 1 END, "
                            "attempts_since_us = CASE WHEN attempts_since_us < $3 THEN $2 ELSE attempts_since_us END "
                            "WHERE registration_number = $1 AND used_at_us IS NULL AND expires_at_us >= $2 "
                            "AND (attempts < $4 OR attempts_since_us < $3) RETURNING code_hash",
                            {number, now_us, window_start_us, max_attempts}));
  if (taken.empty()) return std::nullopt;
  return taken[0].Text(0);
}

absl::StatusOr<std::optional<StoredCode>> ActivationCodeStore::Find(storage::Transaction& tx,
                                                                    absl::string_view number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT expires_at_us, used_at_us FROM activation_codes "
                                       "WHERE registration_number = $1",
                                       {number}));
  if (rows.empty()) return std::nullopt;
  return StoredCode{rows[0].Int(0), !rows[0].IsNull(1)};
}

absl::StatusOr<bool> ActivationCodeStore::Activate(storage::Transaction& tx, absl::string_view number,
                                                   const std::string& code_hash, int64_t now_us,
                                                   const std::string& password_hash) {
  ASSIGN_OR_RETURN(int64_t used, tx.Execute("UPDATE activation_codes SET used_at_us = $3 "
                                            "WHERE registration_number = $1 AND code_hash = $2 "
                                            "AND used_at_us IS NULL AND expires_at_us >= $3",
                                            {number, storage::Bytes{code_hash}, now_us}));
  if (used == 0) return false;
  RETURN_IF_ERROR(
      tx.Execute("INSERT INTO accounts (registration_number, activated_at_us, password_hash) VALUES ($1, $2, $3)",
                 {number, now_us, password_hash})
          .status());
  return true;
}

absl::StatusOr<std::optional<std::string>> ActivationCodeStore::FindPasswordHash(storage::Transaction& tx,
                                                                                 absl::string_view number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT password_hash FROM accounts WHERE registration_number = $1 "
                                       "AND password_hash IS NOT NULL",
                                       {number}));
  if (rows.empty()) return std::nullopt;
  return rows[0].Text(0);
}

absl::Status ActivationCodeStore::ReplacePasswordHash(storage::Transaction& tx, absl::string_view number,
                                                      const std::string& password_hash) {
  return tx.Execute("UPDATE accounts SET password_hash = $2 WHERE registration_number = $1", {number, password_hash})
      .status();
}

absl::StatusOr<std::vector<PersonGroupCount>> ActivationCodeStore::CountAccountsByGroup(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT p.program, COALESCE(p.category, ''), COALESCE(p.city, ''), COUNT(*) "
                            "FROM accounts a JOIN persons p ON p.registration_number = a.registration_number "
                            "GROUP BY p.program, p.category, p.city"));
  std::vector<PersonGroupCount> counts;
  for (const storage::Row& r : rows) counts.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return counts;
}

}  // namespace himaya::registration
