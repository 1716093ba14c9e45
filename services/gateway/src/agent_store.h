// The agents table and the failed logins by agent id (migrations/common/0001_gateway.sql): the
// only place that writes their SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::gateway {

struct AgentRecord {
  std::string agent_id;
  std::string display_name;
  std::vector<std::string> roles;
  // Argon2id (crypto_pwhash_str).
  std::string password_hash;
  absl::Time created_at;
  std::optional<absl::Time> disabled_at;
};

// The login attempts not yet followed by a success for one agent id, known or not.
struct LoginFailures {
  int count = 0;
  absl::Time locked_until = absl::InfinitePast();
};

class AgentStore {
 public:
  // ALREADY_EXISTS when the id is taken.
  static absl::Status Insert(storage::Transaction& tx, const AgentRecord& agent);
  static absl::StatusOr<std::optional<AgentRecord>> Find(storage::Transaction& tx, absl::string_view agent_id);
  // Every agent, by id.
  static absl::StatusOr<std::vector<AgentRecord>> List(storage::Transaction& tx);
  // Marks the agent disabled at `at` unless it already is. NOT_FOUND for an unknown id.
  static absl::Status Disable(storage::Transaction& tx, absl::string_view agent_id, absl::Time at);

  // The attempts counted for `agent_id` and its lock; none (count 0) when there are none.
  static absl::StatusOr<LoginFailures> Failures(storage::Transaction& tx, absl::string_view agent_id);
  // Counts one login attempt at `now`, before its password is checked, in one statement
  // (concurrent attempts queue on the row): only while the id is not locked and its attempts are
  // fewer than `max_attempts` (a lock that ended starts the count again). The count after it;
  // nothing when no attempt may be made.
  static absl::StatusOr<std::optional<int>> TakeAttempt(storage::Transaction& tx, absl::string_view agent_id,
                                                        absl::Time now, int max_attempts);
  // Locks the id until `until` when its attempts reached `max_attempts` and it is not locked yet
  // (a failed attempt).
  static absl::Status LockIfReached(storage::Transaction& tx, absl::string_view agent_id, int max_attempts,
                                    absl::Time until);
  // Forgets the failures of `agent_id` (a successful login).
  static absl::Status ClearFailures(storage::Transaction& tx, absl::string_view agent_id);
  // Deletes the failures of ids whose last failure is before `before` and not locked past it.
  static absl::StatusOr<int64_t> PurgeFailures(storage::Transaction& tx, absl::Time before);
};

}  // namespace himaya::gateway
