// Activation codes for the portal: 8 characters of Crockford's base 32 (40 random bits),
// issued when the notification service is about to send them (a new code replaces the old, and
// keeps the count of wrong attempts),
// stored only as a keyed hash (BLAKE2b under a server key, so a stolen table cannot be guessed
// offline), valid for a limited time and a limited number of attempts. The code appears in no
// event, log or report: only in the answer to IssueActivationCode.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/random.h"
#include "events/envelope.h"
#include "registration/src/person.h"
#include "registration/src/reference_data.h"
#include "storage/database.h"

namespace himaya::registration {

struct IssuedCode {
  std::string code;  // "XXXX-XXXX"
  absl::Time expires_at;
};

// What the notification service asks before it sends to one person.
struct RecipientQuery {
  std::string registration_number;
  bool activation_code = false;  // a fresh code is wanted too
};

struct Recipient {
  std::optional<Person> person;    // nullopt: nobody has this number
  std::optional<IssuedCode> code;  // when asked for and the account is not active
  bool account_active = false;
};

inline constexpr size_t kMaxRecipientQueries = 1000;

class ActivationCodes {
 public:
  // `key`: 32 bytes of server secret.
  ActivationCodes(
      storage::Database& db, events::EventSource source, const ReferenceData& reference, std::string key,
      std::function<void()> on_commit = [] {});

  // NOT_FOUND when nobody has that number; FAILED_PRECONDITION when the account is active.
  absl::StatusOr<IssuedCode> Issue(const std::string& registration_number);
  // Reads the persons and issues the codes asked for (each replacing the person's previous
  // code), all in one transaction: one answer per query, in order. INVALID_ARGUMENT beyond
  // kMaxRecipientQueries.
  absl::StatusOr<std::vector<Recipient>> PrepareRecipients(const std::vector<RecipientQuery>& queries);
  // INVALID_ARGUMENT for a registration number or code that cannot be one (nothing counted).
  static absl::Status CheckActivation(const std::string& registration_number, const std::string& code);
  // Opens the account with its password's hash, made by `hash_password` (PortalAccounts: an
  // Argon2id hash, ~0.1 s and 64 MiB) only once the code is found right, outside any
  // transaction; then the code is consumed and the account opened in one transaction, provided
  // the code is still that one, unused and unexpired. PERMISSION_DENIED for a wrong code
  // (counted, nothing hashed); FAILED_PRECONDITION when no code was issued, or it expired, was
  // used (also meanwhile), was replaced meanwhile, or the person's wrong attempts reached the
  // limit within the window (ReferenceData: a new code does not reset the count). Each attempt
  // is taken atomically, so concurrent guesses cannot pass the limit.
  absl::Status Activate(const std::string& registration_number, const std::string& code,
                        const std::function<absl::StatusOr<std::string>()>& hash_password);
  // The same with a hash made already.
  absl::Status Activate(const std::string& registration_number, const std::string& code,
                        const std::string& password_hash);

  // Normalises what a person typed: upper case, no separators, O read as 0, I and L as 1.
  static std::string Normalize(absl::string_view code);

 private:
  std::string Hash(const std::string& normalized_code) const;
  // Why the person's code cannot be tried (FAILED_PRECONDITION saying which): none issued, used,
  // expired, or else `otherwise` (too many wrong attempts; replaced).
  absl::Status WhyNoAttempt(storage::Transaction& tx, const std::string& registration_number, absl::Time now,
                            absl::string_view otherwise) const;
  storage::Database& db_;
  events::EventSource source_;
  const ReferenceData& reference_;
  std::string key_;
  std::function<void()> on_commit_;
};

}  // namespace himaya::registration
