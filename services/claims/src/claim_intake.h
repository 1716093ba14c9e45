// Receiving one reimbursement file (SubmitClaim: the portal, an agent's desk, a partner through
// the gateway's FHIR Claim): its fields checked by the same rules as a bulk row (claims_file.h),
// its id taken or given, and the file stored RECEIVED with its due date, for the decider to take
// up.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "claims/src/claim.h"
#include "claims/src/intake_metrics.h"
#include "core/clock.h"
#include "core/random.h"
#include "storage/database.h"

namespace himaya::claims {

// One item as submitted, before any check.
struct SubmittedItem {
  std::string beneficiary_id;
  std::string care_date;
  std::string act_code;
  int64_t quantity = 0;
  int64_t amount_paid_centimes = 0;
  std::string ald_certificate;
};

struct ClaimSubmission {
  std::string claim_id;  // empty: the service gives one
  std::string registration_number;
  std::string filed_date;
  std::string channel;  // "PORTAL" (also when empty), "AGENT:<id>" or "PARTNER:<client>"
  std::vector<SubmittedItem> items;
  std::string idempotency_key;  // optional
};

struct IntakeOptions {
  // The days of receipt and due dates.
  absl::TimeZone zone = absl::UTCTimeZone();
  // A file is due this many days after the day it was received (the rules' due_days).
  int due_days = 9;
  // Counts what is received; none in tests that do not look.
  IntakeMetrics* metrics = nullptr;
};

// The prefix of the ids the service gives ("HC-" and 12 digits).
inline constexpr char kGivenClaimIdPrefix[] = "HC-";
// The longest idempotency key kept.
inline constexpr size_t kMaxIdempotencyKeyLength = 128;

class ClaimIntake {
 public:
  // `on_received` is called after a file is stored (the decider's wake-up).
  ClaimIntake(storage::Database& db, const core::Clock& clock, core::RandomSource& random, IntakeOptions options,
              std::function<void()> on_received);

  // Checks and stores a file, RECEIVED, due `due_days` after today (in the zone). Returns it with
  // its items. The same idempotency key again returns the file it first stored, unchanged.
  // INVALID_ARGUMENT naming the field (items[N].field for an item's); ALREADY_EXISTS, message
  // starting CLAIM_ID_TAKEN, when the claim_id is another file's.
  absl::StatusOr<Claim> Submit(const ClaimSubmission& submission);

 private:
  absl::StatusOr<Claim> Checked(const ClaimSubmission& submission) const;
  std::string NewClaimId();

  storage::Database& db_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  const IntakeOptions options_;
  std::function<void()> on_received_;
};

}  // namespace himaya::claims
