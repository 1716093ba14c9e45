// A reimbursement file as the service holds it: the file (who, when, its state and decision)
// and its items (as filed, then as decided). Plain types shared by the stores and the domain
// classes; the proto (claims.proto's Claim) is made from them at the gRPC edge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "claims/src/claim_rules.h"

namespace himaya::claims {

// A file's states (claims.state).
inline constexpr char kClaimReceived[] = "RECEIVED";
inline constexpr char kClaimInReview[] = "IN_REVIEW";
inline constexpr char kClaimDecided[] = "DECIDED";
inline constexpr char kClaimInPayment[] = "IN_PAYMENT";
inline constexpr char kClaimPaid[] = "PAID";

// An item as filed, and its decision once taken (outcome empty until then).
struct ClaimItemRecord {
  FiledItem filed;            // filed.item: its place in the file, from 1
  int64_t row_number = 0;     // the bulk file's row; 0 for SubmitClaim
  std::string outcome;        // "", ACCEPTED or REJECTED
  std::string reason;         // the rejection's code
  std::string reason_detail;  // codes only
  int64_t tnr_centimes = 0;
  int rate_percent = 0;
  int64_t reimbursed_centimes = 0;
};

struct Claim {
  std::string claim_id;
  std::string registration_number;
  std::string program;  // "" until eligibility answered
  // "PORTAL", "AGENT:<id>", "PARTNER:<client>" or "BATCH:<sender>/<batch_id>".
  std::string channel;
  // The bulk file it came in; empty for SubmitClaim.
  std::string sender;
  std::string batch_id;
  absl::CivilDay filed_date;
  std::string state = kClaimReceived;
  std::string outcome;  // "" until decided
  int64_t claimed_centimes = 0;
  int64_t reimbursed_centimes = 0;
  absl::Time received_at;
  absl::CivilDay due_date;
  std::optional<absl::Time> decided_at;
  std::optional<absl::Time> settled_at;
  std::string review_reason;
  std::string reviewed_by;
  std::string review_note;
  bool escalated = false;
  std::string payment_run_id;
  std::optional<absl::Time> paid_at;
  // Empty when none was given.
  std::string idempotency_key;
  // In the file's order. Empty when read without its items.
  std::vector<ClaimItemRecord> items;
};

// The sum of what the items' insured paid.
int64_t ClaimedCentimes(const std::vector<ClaimItemRecord>& items);

// "YYYY-MM-DD".
std::string FormatClaimDay(absl::CivilDay day);

}  // namespace himaya::claims
