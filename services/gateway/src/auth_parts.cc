#include "gateway/src/auth_parts.h"

#include "gateway/src/session_methods.h"

namespace himaya::gateway {

absl::Status CheckAuthConfig(const AuthConfig& config) {
  absl::Status sessions = CheckSessionOptions(config.sessions);
  if (!sessions.ok()) return sessions;
  if (config.lockout.max_failures < 1) return absl::InvalidArgumentError("agent_max_failures: at least 1");
  if (config.lockout.lock_for <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("agent_lockout: must be positive");
  }
  return CheckRateLimitOptions(config.rates);
}

AuthParts::AuthParts(storage::Database& db, const core::Clock& clock, core::RandomSource& random,
                     core::ThreadPool& pool, const AuthConfig& config, const Backends& backends)
    : sessions_(db, clock, config.sessions),
      agents_(db, clock, config.password_cost, config.lockout),
      keys_(db, clock),
      access_(db, clock, random),
      rate_limits_(clock, config.rates),
      authenticator_(sessions_, keys_),
      local_methods_(SessionMethods(sessions_, agents_, backends)),
      admin_(pool, agents_, keys_, access_) {}

void AuthParts::Start() {
  sessions_.Start();
  agents_.Start();
}

void AuthParts::Stop() {
  sessions_.Stop();
  agents_.Stop();
}

}  // namespace himaya::gateway
