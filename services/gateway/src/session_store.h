// The sessions table (migrations/common/0001_gateway.sql): the only place that writes its SQL.
// A session is kept under its key, the SHA-256 of the cookie's token, never the token itself.
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

// Stored as "INSURED" or "AGENT".
enum class SessionKind { kInsured, kAgent };
absl::string_view SessionKindName(SessionKind kind);

struct SessionRecord {
  // The SHA-256 (hex) of the cookie's token.
  std::string key;
  SessionKind kind = SessionKind::kInsured;
  // The registration number, or the agent's id.
  std::string subject;
  // An agent's roles when the session was opened.
  std::vector<std::string> roles;
  absl::Time created_at;
  // Idle expiry (sliding), never past absolute_expiry.
  absl::Time expires_at;
  absl::Time absolute_expiry;
  std::optional<absl::Time> revoked_at;
};

class SessionStore {
 public:
  // ALREADY_EXISTS when the key is taken (a token drawn twice: never in practice).
  static absl::Status Insert(storage::Transaction& tx, const SessionRecord& session);
  // The session under `key`, revoked or expired alike; nothing when none.
  static absl::StatusOr<std::optional<SessionRecord>> Find(storage::Transaction& tx, absl::string_view key);
  // Pushes the idle expiry of a session not revoked to `expires_at`.
  static absl::Status SetExpiry(storage::Transaction& tx, absl::string_view key, absl::Time expires_at);
  // Marks the session revoked at `at` (kept until purged). Returns whether a live one was revoked.
  static absl::StatusOr<bool> Revoke(storage::Transaction& tx, absl::string_view key, absl::Time at);
  // Revokes every session of `subject` (an agent disabled). Returns how many.
  static absl::StatusOr<int64_t> RevokeAllOf(storage::Transaction& tx, SessionKind kind, absl::string_view subject,
                                             absl::Time at);
  // Deletes sessions past either expiry, or revoked, at `now`: at most `limit`. Returns how many.
  static absl::StatusOr<int64_t> PurgeEnded(storage::Transaction& tx, absl::Time now, int limit);
};

}  // namespace himaya::gateway
