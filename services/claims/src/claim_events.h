// The claims service's events as outbox rows: ClaimSubmitted and ClaimDecided on
// himaya.claims.<program>.v1, keyed by the insured's registration number. Codes, counts and
// amounts only: no names, no acts, no beneficiaries.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "claims/src/claim_decision_store.h"
#include "events/envelope.h"
#include "events/outbox.h"

namespace himaya::claims {

// A file as decided (by the rules, or after an agent's review), for its ClaimDecided.
struct DecidedClaim {
  std::string claim_id;
  std::string registration_number;
  std::string program;
  std::string outcome;  // ACCEPTED, PARTIAL, REJECTED
  int items_accepted = 0;
  int items_rejected = 0;
  int64_t claimed_centimes = 0;
  int64_t reimbursed_centimes = 0;
  bool reviewed = false;
  absl::Time received_at;
  absl::Time decided_at;
  std::string due_date;
};

// ClaimSubmitted for `claim`, now that its program is known.
events::OutgoingEvent ClaimSubmittedEvent(const events::EventSource& source, const ClaimToDecide& claim,
                                          const std::string& program);
events::OutgoingEvent ClaimDecidedEvent(const events::EventSource& source, const DecidedClaim& claim);

}  // namespace himaya::claims
