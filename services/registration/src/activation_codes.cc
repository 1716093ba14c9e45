#include "registration/src/activation_codes.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "registration/src/activation_code_store.h"
#include "registration/src/person_rules.h"
#include "registration/src/person_store.h"

namespace himaya::registration {
namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford's base 32
}

ActivationCodes::ActivationCodes(storage::Database& db, events::EventSource source, const ReferenceData& reference,
                                 std::string key, std::function<void()> on_commit)
    : db_(db),
      source_(std::move(source)),
      reference_(reference),
      key_(std::move(key)),
      on_commit_(std::move(on_commit)) {}

std::string ActivationCodes::Normalize(absl::string_view code) {
  std::string out;
  for (char c : code) {
    c = absl::ascii_toupper(static_cast<unsigned char>(c));
    if (c == '-' || c == ' ') continue;
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    out.push_back(c);
  }
  return out;
}

std::string ActivationCodes::Hash(const std::string& normalized) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof(out), reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size(),
                     reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

absl::StatusOr<IssuedCode> ActivationCodes::Issue(const std::string& registration_number) {
  RETURN_IF_ERROR(CheckRequiredIdentifier("registration_number", registration_number));
  ASSIGN_OR_RETURN(auto answers, PrepareRecipients({{registration_number, true}}));
  if (!answers.front().person) return absl::NotFoundError("registration_number: no person has this number");
  if (answers.front().account_active) return absl::FailedPreconditionError("account: already activated");
  return *answers.front().code;
}

absl::StatusOr<std::vector<Recipient>> ActivationCodes::PrepareRecipients(const std::vector<RecipientQuery>& queries) {
  if (queries.size() > kMaxRecipientQueries) {
    return absl::InvalidArgumentError(absl::StrCat("queries: at most ", kMaxRecipientQueries, " at once"));
  }
  std::vector<std::string> codes;  // drawn outside the transaction, which may run again
  for (size_t i = 0; i < queries.size(); ++i) {
    uint64_t bits = source_.random->Next();
    std::string code;
    for (int c = 0; c < 8; ++c) {
      code.push_back(kAlphabet[bits & 31]);
      bits >>= 5;
    }
    codes.push_back(std::move(code));
  }
  std::vector<Recipient> out;
  int64_t issued = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    out.assign(queries.size(), Recipient());
    issued = 0;
    const absl::Time now = source_.clock->Now();
    const absl::Time expires_at = now + absl::Hours(24) * reference_.activation_code_validity_days;
    for (size_t i = 0; i < queries.size(); ++i) {
      const std::string& number = queries[i].registration_number;
      // A malformed number is nobody's: its answer says so, and the others are answered.
      if (!CheckRequiredIdentifier("registration_number", number).ok()) continue;
      ASSIGN_OR_RETURN(out[i].person, PersonStore::FindByNumber(tx, number));
      if (!out[i].person || !queries[i].activation_code) continue;
      ASSIGN_OR_RETURN(out[i].account_active, ActivationCodeStore::IsActive(tx, number));
      if (out[i].account_active) continue;
      // The new code replaces the old; the count of wrong attempts carries over.
      RETURN_IF_ERROR(ActivationCodeStore::Issue(tx, number, Hash(codes[i]), absl::ToUnixMicros(now),
                                                 absl::ToUnixMicros(expires_at)));
      out[i].code = IssuedCode{absl::StrCat(codes[i].substr(0, 4), "-", codes[i].substr(4)), expires_at};
      ++issued;
    }
    return absl::OkStatus();
  }));
  if (issued > 0) log::Info("activation codes issued", {{"codes", issued}});
  return out;
}

absl::Status ActivationCodes::CheckActivation(const std::string& registration_number, const std::string& code) {
  RETURN_IF_ERROR(CheckRequiredIdentifier("registration_number", registration_number));
  if (code.empty()) return absl::InvalidArgumentError("code: is required");
  if (code.size() > 32) return absl::InvalidArgumentError("code: longer than a code");
  return absl::OkStatus();
}

absl::Status ActivationCodes::Activate(const std::string& registration_number, const std::string& code,
                                       const std::string& password_hash) {
  return Activate(registration_number, code, [&]() -> absl::StatusOr<std::string> { return password_hash; });
}

absl::Status ActivationCodes::Activate(const std::string& registration_number, const std::string& code,
                                       const std::function<absl::StatusOr<std::string>()>& hash_password) {
  RETURN_IF_ERROR(CheckActivation(registration_number, code));
  const std::string hash = Hash(Normalize(code));
  bool wrong = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    wrong = false;
    const absl::Time now = source_.clock->Now();
    const int64_t window_start = absl::ToUnixMicros(now - absl::Hours(reference_.activation_attempt_window_hours));
    // The attempt is taken before the code is compared, in one statement: concurrent guesses
    // queue on the row and cannot pass the limit. A window past its time starts afresh.
    ASSIGN_OR_RETURN(std::optional<std::string> taken,
                     ActivationCodeStore::TakeAttempt(tx, registration_number, absl::ToUnixMicros(now), window_start,
                                                      reference_.activation_code_max_attempts));
    if (!taken) {
      return WhyNoAttempt(tx, registration_number, now,
                          absl::StrCat("code: too many wrong attempts; try again after ",
                                       reference_.activation_attempt_window_hours, " hours"));
    }
    const std::string& stored = *taken;
    wrong = stored.size() != hash.size() || crypto_verify_32(reinterpret_cast<const unsigned char*>(stored.data()),
                                                             reinterpret_cast<const unsigned char*>(hash.data())) != 0;
    return absl::OkStatus();  // the attempt taken commits, right or wrong
  }));
  if (wrong) return absl::PermissionDeniedError("code: wrong code");

  // The code is right: only now is the password hashed, outside the transaction.
  ASSIGN_OR_RETURN(const std::string password_hash, hash_password());
  if (password_hash.empty()) return absl::InvalidArgumentError("password: is required");
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    const absl::Time now = source_.clock->Now();
    ASSIGN_OR_RETURN(bool opened, ActivationCodeStore::Activate(tx, registration_number, hash, absl::ToUnixMicros(now),
                                                                password_hash));
    // Used, expired or replaced while the password was hashed.
    if (!opened) {
      return WhyNoAttempt(tx, registration_number, now, "code: replaced by a newer one; use the latest code");
    }
    ASSIGN_OR_RETURN(auto person, PersonStore::FindByNumber(tx, registration_number));
    v1::AccountActivated event;
    event.set_registration_number(registration_number);
    event.set_program(person ? person->program : "");
    *event.mutable_activated_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
    return events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, event.program()),
                                  events::NewEnvelope(source_, event, event.program(), registration_number),
                                  *source_.clock);
  }));
  log::Info("account activated", {{"registration_number", registration_number}});
  on_commit_();
  return absl::OkStatus();
}

absl::Status ActivationCodes::WhyNoAttempt(storage::Transaction& tx, const std::string& registration_number,
                                           absl::Time now, absl::string_view otherwise) const {
  ASSIGN_OR_RETURN(std::optional<StoredCode> kept, ActivationCodeStore::Find(tx, registration_number));
  if (!kept) return absl::FailedPreconditionError("code: none was issued for this number");
  if (kept->used) return absl::FailedPreconditionError("code: already used; the account is active");
  if (absl::ToUnixMicros(now) > kept->expires_at_us) {
    return absl::FailedPreconditionError("code: expired; ask for a new one");
  }
  return absl::FailedPreconditionError(otherwise);
}

}  // namespace himaya::registration
