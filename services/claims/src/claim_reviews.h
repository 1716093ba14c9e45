// The agents' review queue: files the rules sent to review (over the amount threshold, or drawn)
// wait IN_REVIEW with the rules' decision kept; an agent lists them oldest first and confirms that
// decision or rejects the whole file with a reason code. Either way the file is DECIDED, who
// decided is recorded, and ClaimDecided (reviewed) goes through the outbox in the same
// transaction. A file waiting longer than the rules' escalate_after_days (counted from its
// receipt, as the nine-day clock is) is marked escalated, once, counted and logged without
// personal data, by a background loop.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "claims/src/claim.h"
#include "claims/src/claim_clock.h"
#include "claims/src/claim_lookup.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::claims {

// Every item of a file an agent rejected carries this reason (the agent's code in its detail).
inline constexpr char kRejectedByAgent[] = "REJECTED_BY_AGENT";
// A review decision asked of a file no longer waiting for one.
inline constexpr char kNotInReview[] = "NOT_IN_REVIEW";

enum class ReviewVerdict { kConfirm, kReject };

struct ReviewDecision {
  std::string claim_id;
  ReviewVerdict verdict = ReviewVerdict::kConfirm;
  // Who decided: at most 64 printable ASCII characters.
  std::string agent;
  // REJECT's reason code ([A-Z0-9_], at most 64: FORGED_DOCUMENT, ...); empty for CONFIRM.
  std::string reason;
};

struct ClaimReviewsOptions {
  int escalate_after_days = 3;
  // How often the loop looks for files to escalate.
  absl::Duration escalation_interval = absl::Minutes(5);
};

class ClaimReviews {
 public:
  // Registers himaya_claims_reviewed_total{program,decision} and
  // himaya_claims_review_escalated_total{program} on `registry`. `on_published` runs after a
  // review committed its event; the processing time of a file settled by its review (nothing to
  // pay) is observed on `processing_time`.
  ClaimReviews(
      storage::Database& db, const core::Clock& clock, events::EventSource source, prometheus::Registry& registry,
      ProcessingTime& processing_time, ClaimReviewsOptions options = {}, std::function<void()> on_published = [] {});
  ~ClaimReviews() { Stop(); }

  // PENDING (or empty): files IN_REVIEW oldest received first; DECIDED: the files an agent
  // reviewed, oldest received first. A page as ListClaims gives one. INVALID_ARGUMENT for another
  // state, a bad page size or token.
  absl::StatusOr<ClaimPage> List(const std::string& state, int page_size, const std::string& page_token);
  // Decides a file waiting for review and returns it with its items. INVALID_ARGUMENT naming the
  // field at fault; NOT_FOUND for an unknown file; FAILED_PRECONDITION (NOT_IN_REVIEW) when the
  // file is not waiting for a review (decided already, or still with the rules).
  absl::StatusOr<Claim> Decide(const ReviewDecision& decision);
  // Marks escalated the files waiting longer than escalate_after_days. Returns how many.
  absl::StatusOr<int> Escalate();

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  events::EventSource source_;
  ProcessingTime& processing_time_;
  const ClaimReviewsOptions options_;
  std::function<void()> on_published_;
  prometheus::Family<prometheus::Counter>& reviewed_;
  prometheus::Family<prometheus::Counter>& escalated_;
  core::BackgroundLoop loop_{[this] {
    (void)Escalate();
    return options_.escalation_interval;
  }};
};

}  // namespace himaya::claims
