#include "registration/src/portal_accounts.h"

#include <sodium.h>

#include <optional>

#include "absl/strings/escaping.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"
#include "registration/src/activation_code_store.h"
#include "registration/src/login_attempt_store.h"
#include "registration/src/person_store.h"
#include "rpc/status.h"

namespace himaya::registration {

absl::Status CheckLoginLimits(const LoginLimits& limits) {
  if (limits.failures < 1) return absl::InvalidArgumentError("login_failures_per_number: must be at least 1");
  if (limits.window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("login_failure_window: must be a positive duration, e.g. 15m");
  }
  if (limits.lockout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("login_lockout: must be a positive duration, e.g. 15m");
  }
  return absl::OkStatus();
}

PortalAccounts::PortalAccounts(storage::Database& db, ActivationCodes& codes, const core::Clock& clock,
                               PasswordHashing hashing, LoginLimits limits)
    : db_(db), codes_(codes), clock_(clock), hasher_(hashing), limits_(limits) {
  unsigned char secret[24];
  randombytes_buf(secret, sizeof(secret));
  // A password nobody knows (and, in base 64, of a valid length).
  absl::StatusOr<std::string> dummy =
      hasher_.Hash(absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(secret), sizeof(secret))));
  if (dummy.ok()) {
    dummy_hash_ = *std::move(dummy);
  } else {
    log::Warn("no dummy password hash: logins without an account answer faster", {{"error", dummy.status()}});
  }
}

absl::Status PortalAccounts::Activate(const std::string& registration_number, const std::string& code,
                                      const std::string& password) {
  RETURN_IF_ERROR(ActivationCodes::CheckActivation(registration_number, code));
  ASSIGN_OR_RETURN(const std::string normalized, NormalizePassword(password));
  // Hashed only once the code is found right (Argon2id: ~0.1 s and 64 MiB, which a wrong code
  // must not cost), and outside the transactions.
  return codes_.Activate(registration_number, code, [&] { return hasher_.Hash(normalized); });
}

absl::Status PortalAccounts::Locked(storage::Transaction& tx, const std::string& number, absl::Time now) {
  ASSIGN_OR_RETURN(std::optional<LoginAttempts> kept, LoginAttemptStore::Find(tx, number));
  absl::Duration wait = limits_.lockout;
  if (kept && kept->locked_until_us > 0) {
    wait = absl::FromUnixMicros(kept->locked_until_us) - now;
  } else if (kept) {  // the limit reached, the lock not yet written (a login in flight)
    wait = absl::FromUnixMicros(kept->since_us) + limits_.window - now;
  }
  return rpc::WithRetryAfter(absl::ResourceExhaustedError(kAccountLocked), std::max(wait, absl::Seconds(1)));
}

absl::StatusOr<AuthenticatedAccount> PortalAccounts::Authenticate(const std::string& registration_number,
                                                                  const std::string& password) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  if (password.empty()) return absl::InvalidArgumentError("password: is required");
  // A password that cannot be one fails like a wrong one (and counts), without being hashed.
  absl::StatusOr<std::string> normalized = NormalizePassword(password);

  // The attempt is counted before the password is checked, so that concurrent guesses cannot
  // pass the limit; the account is read in the same transaction.
  std::optional<std::string> hash;
  std::optional<Person> person;
  absl::Status locked;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    locked = absl::OkStatus();
    const absl::Time now = clock_.Now();
    const int64_t window_start = absl::ToUnixMicros(now - limits_.window);
    ASSIGN_OR_RETURN(std::optional<int64_t> taken,
                     LoginAttemptStore::TakeAttempt(tx, registration_number, absl::ToUnixMicros(now), window_start,
                                                    limits_.failures));
    if (!taken) {
      locked = Locked(tx, registration_number, now);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(hash, ActivationCodeStore::FindPasswordHash(tx, registration_number));
    ASSIGN_OR_RETURN(person, PersonStore::FindByNumber(tx, registration_number));
    // Rows of numbers tried once long ago are of no more use.
    return LoginAttemptStore::ForgetEnded(tx, window_start, absl::ToUnixMicros(now));
  }));
  if (!locked.ok()) return locked;

  // The same work whether or not there is an account: a dummy hash stands in for a missing one.
  bool right = false;
  if (normalized.ok()) {
    const bool matched = PasswordHasher::Verify(hash ? *hash : dummy_hash_, *normalized);
    right = matched && hash.has_value() && person.has_value();
  }
  std::optional<std::string> rehashed;
  if (right && hasher_.NeedsRehash(*hash)) {
    absl::StatusOr<std::string> again = hasher_.Hash(*normalized);
    if (again.ok()) rehashed = *std::move(again);  // otherwise kept as it is, and tried next time
  }
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    if (!right) {
      return LoginAttemptStore::LockIfReached(tx, registration_number, limits_.failures,
                                              absl::ToUnixMicros(clock_.Now() + limits_.lockout));
    }
    RETURN_IF_ERROR(LoginAttemptStore::Reset(tx, registration_number));
    if (rehashed) RETURN_IF_ERROR(ActivationCodeStore::ReplacePasswordHash(tx, registration_number, *rehashed));
    return absl::OkStatus();
  }));
  if (!right) return absl::UnauthenticatedError(kInvalidCredentials);
  if (rehashed)
    log::Info("portal password hashed again with today's cost", {{"registration_number", registration_number}});
  return AuthenticatedAccount{person->registration_number, person->program, person->preferred_language};
}

}  // namespace himaya::registration
