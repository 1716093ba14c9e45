#include "gateway/src/auth_flags.h"

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(absl::Duration, session_idle, absl::Minutes(30), "A session unused for this long ends");
ABSL_FLAG(absl::Duration, session_absolute, absl::Hours(12), "A session ends this long after login, used or not");
ABSL_FLAG(absl::Duration, session_extend_every, absl::Minutes(1),
          "A session's sliding expiry is written when it moves by at least this much");
ABSL_FLAG(absl::Duration, session_purge_every, absl::Minutes(5), "How often ended sessions are deleted");
ABSL_FLAG(int, agent_max_failures, 5, "Failed logins in a row that lock an agent's id");
ABSL_FLAG(absl::Duration, agent_lockout, absl::Minutes(15), "How long a locked agent id stays locked");
ABSL_FLAG(double, rate_client_per_second, 20, "Requests per second per client (address or API key)");
ABSL_FLAG(int, rate_client_burst, 40, "Requests a client may send at once after a quiet time");
ABSL_FLAG(double, rate_account_per_second, 10, "Requests per second per insured's or agent's session");
ABSL_FLAG(int, rate_account_burst, 20, "Requests an account may send at once after a quiet time");
ABSL_FLAG(double, rate_credentials_per_second, 0.2,
          "Logins, activations and code resends per second per client (on top of the client's limit)");
ABSL_FLAG(int, rate_credentials_burst, 10, "Logins, activations and code resends a client may send at once");
ABSL_FLAG(int64_t, rate_max_buckets, 100000, "Rate-limit buckets kept in memory per kind (client, account, login)");

namespace himaya::gateway {

absl::StatusOr<AuthConfig> AuthConfigFromFlags() {
  AuthConfig config;
  config.sessions.idle = absl::GetFlag(FLAGS_session_idle);
  config.sessions.absolute = absl::GetFlag(FLAGS_session_absolute);
  config.sessions.extend_every = absl::GetFlag(FLAGS_session_extend_every);
  config.sessions.purge_every = absl::GetFlag(FLAGS_session_purge_every);
  config.lockout.max_failures = absl::GetFlag(FLAGS_agent_max_failures);
  config.lockout.lock_for = absl::GetFlag(FLAGS_agent_lockout);
  config.rates.client = {absl::GetFlag(FLAGS_rate_client_per_second), absl::GetFlag(FLAGS_rate_client_burst)};
  config.rates.account = {absl::GetFlag(FLAGS_rate_account_per_second), absl::GetFlag(FLAGS_rate_account_burst)};
  config.rates.credentials = {absl::GetFlag(FLAGS_rate_credentials_per_second),
                              absl::GetFlag(FLAGS_rate_credentials_burst)};
  const int64_t max_buckets = absl::GetFlag(FLAGS_rate_max_buckets);
  if (max_buckets < 1) return absl::InvalidArgumentError("rate_max_buckets: at least 1");
  config.rates.max_buckets = static_cast<size_t>(max_buckets);
  absl::Status checked = CheckAuthConfig(config);
  if (!checked.ok()) return checked;
  return config;
}

}  // namespace himaya::gateway
