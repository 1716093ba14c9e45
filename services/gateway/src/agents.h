// Agents' accounts at the gateway (himaya agent add/list/disable) and their logins: roles from
// {support, supervisor}, passwords of at least 12 characters kept as Argon2id hashes, and a
// lock-out after repeated failures that treats an unknown or disabled id like a known one (the
// same answer, a dummy hash verified in the same time), so a login tells nothing of who exists.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "core/log.h"
#include "gateway/src/agent_store.h"
#include "gateway/src/secrets.h"
#include "storage/database.h"

namespace himaya::gateway {

inline constexpr char kRoleSupport[] = "support";
inline constexpr char kRoleSupervisor[] = "supervisor";
inline constexpr size_t kMinPasswordLength = 12;

// The code that starts the message of a failed login (UNAUTHENTICATED), whatever failed.
inline constexpr char kInvalidCredentials[] = "INVALID_CREDENTIALS";
// The code that starts the message of a login refused while locked (RESOURCE_EXHAUSTED).
inline constexpr char kAccountLocked[] = "ACCOUNT_LOCKED";

// `id` as [a-z0-9._-]{3,64}: INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckClientId(absl::string_view field, absl::string_view id);

struct LockoutPolicy {
  // Consecutive failures that lock an id (attempts counted before the password is checked, so
  // that concurrent ones cannot pass it).
  int max_failures = 5;
  // How long it stays locked.
  absl::Duration lock_for = absl::Minutes(15);
};

struct NewAgent {
  std::string agent_id;
  std::string display_name;
  std::vector<std::string> roles;
  std::string password;
};

// An agent as listed (never its hash).
struct AgentView {
  std::string agent_id;
  std::string display_name;
  std::vector<std::string> roles;
  absl::Time created_at;
  bool disabled = false;
};

class Agents {
 public:
  Agents(storage::Database& db, const core::Clock& clock, PasswordCost cost, LockoutPolicy lockout);
  ~Agents() { Stop(); }

  // INVALID_ARGUMENT naming the field (agent_id, display_name, roles, password);
  // ALREADY_EXISTS for a known id.
  absl::StatusOr<AgentView> Add(const NewAgent& agent);
  absl::StatusOr<std::vector<AgentView>> List();
  // Disables the agent and revokes its sessions, in one transaction. NOT_FOUND for an unknown id.
  absl::StatusOr<AgentView> Disable(absl::string_view agent_id);
  // The agent, when `password` is its password and it is enabled. UNAUTHENTICATED
  // (INVALID_CREDENTIALS) otherwise, for an unknown, disabled or malformed id alike;
  // RESOURCE_EXHAUSTED (ACCOUNT_LOCKED) while the id is locked, with its delay (rpc::WithRetryAfter).
  absl::StatusOr<AgentView> Authenticate(absl::string_view agent_id, absl::string_view password);
  // Forgets failures idle for longer than the lock-out (failures count within that window).
  // Returns how many ids.
  absl::StatusOr<int64_t> PurgeFailures();

  // The loop purging failures (every lock_for).
  void Start() { purge_loop_.Start(); }
  void Stop() { purge_loop_.Stop(); }

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const PasswordCost cost_;
  const LockoutPolicy lockout_;
  // Verified for an unknown id, so that it takes as long as a known one.
  std::string dummy_hash_;
  core::BackgroundLoop purge_loop_{[this] {
    absl::StatusOr<int64_t> purged = PurgeFailures();
    if (!purged.ok()) log::Warn("agents' failed logins could not be purged", {{"error", purged.status()}});
    return lockout_.lock_for;
  }};
};

}  // namespace himaya::gateway
