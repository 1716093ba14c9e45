#include "gateway/src/agents.h"

#include <optional>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/api_error.h"
#include "gateway/src/session_store.h"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

AgentView ViewOf(const AgentRecord& a) {
  return {a.agent_id, a.display_name, a.roles, a.created_at, a.disabled_at.has_value()};
}

absl::Status CheckRoles(const std::vector<std::string>& roles) {
  if (roles.empty()) return absl::InvalidArgumentError("roles: at least one of support, supervisor");
  for (const std::string& role : roles) {
    if (role != kRoleSupport && role != kRoleSupervisor) {
      return absl::InvalidArgumentError("roles: each must be support or supervisor");
    }
  }
  return absl::OkStatus();
}

absl::Status InvalidCredentials() {
  return absl::UnauthenticatedError(absl::StrCat(kInvalidCredentials, ": the id or the password is wrong"));
}

}  // namespace

absl::Status CheckClientId(absl::string_view field, absl::string_view id) {
  bool ok = id.size() >= 3 && id.size() <= 64;
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  }
  if (!ok) return absl::InvalidArgumentError(absl::StrCat(field, ": 3 to 64 of a-z, 0-9, '.', '_', '-'"));
  return absl::OkStatus();
}

Agents::Agents(storage::Database& db, const core::Clock& clock, PasswordCost cost, LockoutPolicy lockout)
    : db_(db), clock_(clock), cost_(cost), lockout_(lockout) {
  absl::StatusOr<std::string> dummy = HashPassword(NewToken(), cost_);
  if (dummy.ok()) dummy_hash_ = *std::move(dummy);
}

absl::StatusOr<AgentView> Agents::Add(const NewAgent& agent) {
  RETURN_IF_ERROR(CheckClientId("agent_id", agent.agent_id));
  if (agent.display_name.empty() || agent.display_name.size() > 200) {
    return absl::InvalidArgumentError("display_name: required, at most 200 characters");
  }
  RETURN_IF_ERROR(CheckRoles(agent.roles));
  if (agent.password.size() < kMinPasswordLength) {
    return absl::InvalidArgumentError(absl::StrCat("password: at least ", kMinPasswordLength, " characters"));
  }
  if (agent.password.size() > 1024) return absl::InvalidArgumentError("password: at most 1024 characters");
  AgentRecord record;
  record.agent_id = agent.agent_id;
  record.display_name = agent.display_name;
  record.roles = agent.roles;
  absl::c_sort(record.roles);
  record.roles.erase(std::unique(record.roles.begin(), record.roles.end()), record.roles.end());
  ASSIGN_OR_RETURN(record.password_hash, HashPassword(agent.password, cost_));
  record.created_at = clock_.Now();
  absl::Status inserted = db_.Write([&](storage::Transaction& tx) { return AgentStore::Insert(tx, record); });
  if (absl::IsAlreadyExists(inserted)) return absl::AlreadyExistsError("agent_id: an agent has this id already");
  RETURN_IF_ERROR(inserted);
  return ViewOf(record);
}

absl::StatusOr<std::vector<AgentView>> Agents::List() {
  std::vector<AgentView> out;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<AgentRecord> agents, AgentStore::List(tx));
    out.clear();
    for (const AgentRecord& a : agents) out.push_back(ViewOf(a));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<AgentView> Agents::Disable(absl::string_view agent_id) {
  std::optional<AgentRecord> agent;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    const absl::Time now = clock_.Now();
    RETURN_IF_ERROR(AgentStore::Disable(tx, agent_id, now));
    RETURN_IF_ERROR(SessionStore::RevokeAllOf(tx, SessionKind::kAgent, agent_id, now).status());
    ASSIGN_OR_RETURN(agent, AgentStore::Find(tx, agent_id));
    return absl::OkStatus();
  }));
  if (!agent) return absl::NotFoundError("agent_id: no such agent");
  return ViewOf(*agent);
}

absl::StatusOr<AgentView> Agents::Authenticate(absl::string_view agent_id, absl::string_view password) {
  // A malformed id is looked up like any other (and found nowhere): no shortcut to time.
  if (agent_id.size() > 64) agent_id = agent_id.substr(0, 64);
  // The attempt is counted before the password is checked, in one statement, so that concurrent
  // guesses cannot pass the limit; the agent is read in the same transaction.
  std::optional<AgentRecord> agent;
  std::optional<int> taken;
  LoginFailures failures;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(taken, AgentStore::TakeAttempt(tx, agent_id, clock_.Now(), lockout_.max_failures));
    if (!taken) {
      ASSIGN_OR_RETURN(failures, AgentStore::Failures(tx, agent_id));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(agent, AgentStore::Find(tx, agent_id));
    return absl::OkStatus();
  }));
  const absl::Time now = clock_.Now();
  if (!taken) {
    // Locked; or the limit reached by attempts still being checked, whose lock is not written yet.
    const absl::Duration wait = failures.locked_until > now ? failures.locked_until - now : lockout_.lock_for;
    return rpc::WithRetryAfter(
        absl::ResourceExhaustedError(absl::StrCat(kAccountLocked, ": too many failed logins; try again later")), wait);
  }
  // The hash is verified whatever the account, so that every failure takes as long.
  const bool matches = VerifyPassword(password, agent ? agent->password_hash : dummy_hash_);
  const bool right = agent && matches && !agent->disabled_at;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    if (!right) return AgentStore::LockIfReached(tx, agent_id, lockout_.max_failures, clock_.Now() + lockout_.lock_for);
    return AgentStore::ClearFailures(tx, agent_id);
  }));
  if (!right) return InvalidCredentials();
  return ViewOf(*agent);
}

absl::StatusOr<int64_t> Agents::PurgeFailures() {
  int64_t n = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(n, AgentStore::PurgeFailures(tx, clock_.Now() - lockout_.lock_for));
    return absl::OkStatus();
  }));
  return n;
}

}  // namespace himaya::gateway
