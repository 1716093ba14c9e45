// Portal accounts: opened with the code from the SMS and a password (kept as an Argon2id hash),
// then logged into by the gateway. A login answers the same, in about the same time, for a
// wrong password, an unknown number and an account not yet opened (a fixed dummy hash is
// checked when there is no account), and repeated failures lock the number, known or not, for a
// while. Neither passwords nor codes appear in logs, events or errors.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "registration/src/activation_codes.h"
#include "registration/src/passwords.h"
#include "storage/database.h"

namespace himaya::registration {

struct LoginLimits {
  int failures = 5;                           // within `window`, then locked
  absl::Duration window = absl::Minutes(15);  // over which failures count
  absl::Duration lockout = absl::Minutes(15);
};

// INVALID_ARGUMENT naming the flag when a limit is not positive.
absl::Status CheckLoginLimits(const LoginLimits& limits);

// Whose session the gateway opens.
struct AuthenticatedAccount {
  std::string registration_number;
  std::string program;
  std::string preferred_language;
};

// The messages of a refused login: the word before ':' is the reason the portal shows.
inline constexpr char kInvalidCredentials[] = "INVALID_CREDENTIALS: wrong registration number or password";
inline constexpr char kAccountLocked[] = "ACCOUNT_LOCKED: too many failed logins; try again later";

class PortalAccounts {
 public:
  PortalAccounts(storage::Database& db, ActivationCodes& codes, const core::Clock& clock, PasswordHashing hashing,
                 LoginLimits limits);

  // Opens the account (ActivationCodes::Activate) with `password`'s hash. The password is
  // checked first (INVALID_ARGUMENT "password: ...": a bad one spends no attempt of the code),
  // then the code (a wrong one is not worth hashing), and only then is the password hashed.
  absl::Status Activate(const std::string& registration_number, const std::string& code, const std::string& password);
  // The account whose password this is. INVALID_ARGUMENT for a malformed number or an empty
  // password (nothing counted); UNAUTHENTICATED kInvalidCredentials for a wrong password, an
  // unknown number or an account not opened, alike; RESOURCE_EXHAUSTED kAccountLocked, with
  // the wait (rpc::RetryAfterOf), while the number is locked. A success forgets the failures,
  // and makes the hash again when it was made with another cost.
  absl::StatusOr<AuthenticatedAccount> Authenticate(const std::string& registration_number,
                                                    const std::string& password);

 private:
  absl::Status Locked(storage::Transaction& tx, const std::string& registration_number, absl::Time now);

  storage::Database& db_;
  ActivationCodes& codes_;
  const core::Clock& clock_;
  PasswordHasher hasher_;
  const LoginLimits limits_;
  // What a login without an account is checked against, made with the same cost.
  std::string dummy_hash_;
};

}  // namespace himaya::registration
