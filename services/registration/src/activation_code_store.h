// Portal activation in the database: `activation_codes` (each person's latest code, as a keyed
// hash, with its expiry and the count of wrong attempts) and `accounts` (activated portals and
// their passwords' Argon2id hashes).
// The SQL of these tables lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registration/src/person_store.h"
#include "storage/database.h"

namespace himaya::registration {

// A code as kept, for saying why it can no longer be tried.
struct StoredCode {
  int64_t expires_at_us = 0;
  bool used = false;
};

class ActivationCodeStore {
 public:
  static absl::StatusOr<bool> IsActive(storage::Transaction& tx, absl::string_view registration_number);
  // Activated portal accounts by their holder's program, category and city.
  static absl::StatusOr<std::vector<PersonGroupCount>> CountAccountsByGroup(storage::Transaction& tx);
  // Keeps `code_hash` as the person's code, replacing the previous one; the count of wrong
  // attempts carries over.
  static absl::Status Issue(storage::Transaction& tx, absl::string_view registration_number,
                            const std::string& code_hash, int64_t issued_at_us, int64_t expires_at_us);
  // Counts an attempt on the person's code and returns its hash, in one statement (concurrent
  // attempts queue on the row): only while the code is unused, unexpired, and its attempts
  // since `window_start_us` are fewer than `max_attempts` (a window past its time starts afresh
  // at `now_us`). Empty when no attempt may be made.
  static absl::StatusOr<std::optional<std::string>> TakeAttempt(storage::Transaction& tx,
                                                                absl::string_view registration_number, int64_t now_us,
                                                                int64_t window_start_us, int max_attempts);
  static absl::StatusOr<std::optional<StoredCode>> Find(storage::Transaction& tx,
                                                        absl::string_view registration_number);
  // The code is used and the account active from `now_us`, with its password's hash, provided
  // the person's code is still `code_hash`, unused and unexpired; false (nothing written) when not.
  static absl::StatusOr<bool> Activate(storage::Transaction& tx, absl::string_view registration_number,
                                       const std::string& code_hash, int64_t now_us, const std::string& password_hash);
  // The password's hash of an active account; empty when there is no account or it has none.
  static absl::StatusOr<std::optional<std::string>> FindPasswordHash(storage::Transaction& tx,
                                                                     absl::string_view registration_number);
  // Replaces the hash of an account's password (made again with today's cost).
  static absl::Status ReplacePasswordHash(storage::Transaction& tx, absl::string_view registration_number,
                                          const std::string& password_hash);
};

}  // namespace himaya::registration
