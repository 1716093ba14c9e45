// The parts of the gateway that know who calls and what they leave behind, built together on the
// gateway's database: sessions, agents, API keys, the access audit log, rate limits, the
// Authenticator, SessionService's local methods and the admin service for the CLI. main.cc hands
// them to the pipeline (GatewayParts) and serves the admin service.
#pragma once

#include <memory>

#include "core/clock.h"
#include "core/random.h"
#include "core/thread_pool.h"
#include "gateway/src/access_log.h"
#include "gateway/src/agents.h"
#include "gateway/src/api_keys.h"
#include "gateway/src/authenticator.h"
#include "gateway/src/gateway_admin_service.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/rate_limits.h"
#include "gateway/src/sessions.h"
#include "storage/database.h"

namespace himaya::gateway {

// Immutable once read, at start.
struct AuthConfig {
  SessionOptions sessions;
  LockoutPolicy lockout;
  RateLimitOptions rates;
  PasswordCost password_cost = PasswordCost::Interactive();
};

// INVALID_ARGUMENT naming the flag at fault.
absl::Status CheckAuthConfig(const AuthConfig& config);

class AuthParts {
 public:
  // `backends` gives registration's channel and the deadline for insured logins.
  AuthParts(storage::Database& db, const core::Clock& clock, core::RandomSource& random, core::ThreadPool& pool,
            const AuthConfig& config, const Backends& backends);

  Authenticator& authenticator() { return authenticator_; }
  RateLimits& rate_limits() { return rate_limits_; }
  AccessAudit& access_audit() { return access_; }
  const LocalMethods& local_methods() const { return local_methods_; }
  GatewayAdminService& admin_service() { return admin_; }

  // The purge loops (ended sessions, idle login failures).
  void Start();
  void Stop();

 private:
  Sessions sessions_;
  Agents agents_;
  ApiKeys keys_;
  AccessLog access_;
  TokenBuckets rate_limits_;
  CredentialAuthenticator authenticator_;
  LocalMethods local_methods_;
  GatewayAdminService admin_;
};

}  // namespace himaya::gateway
