#include "claims/src/claim_reviews.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "claims/src/claim_decision_store.h"
#include "claims/src/claim_events.h"
#include "claims/src/claim_store.h"
#include "claims_file/claim_row.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"

namespace himaya::claims {
namespace {

constexpr size_t kMaxAgentLength = 64;
constexpr size_t kMaxReasonLength = 64;

absl::Status CheckDecision(const ReviewDecision& d) {
  RETURN_IF_ERROR(claims_file::CheckClaimId(d.claim_id));
  if (d.agent.empty()) return absl::InvalidArgumentError("agent: required (who decided is recorded)");
  if (d.agent.size() > kMaxAgentLength ||
      !std::all_of(d.agent.begin(), d.agent.end(), [](char c) { return c > ' ' && c < 127; })) {
    return absl::InvalidArgumentError(
        absl::StrCat("agent: at most ", kMaxAgentLength, " printable ASCII characters, no space"));
  }
  if (d.verdict == ReviewVerdict::kConfirm) {
    if (!d.reason.empty())
      return absl::InvalidArgumentError("reason: only for REJECT (CONFIRM keeps the rules' reasons)");
    return absl::OkStatus();
  }
  if (d.reason.empty()) return absl::InvalidArgumentError("reason: required for REJECT (a code, e.g. FORGED_DOCUMENT)");
  if (d.reason.size() > kMaxReasonLength || !std::all_of(d.reason.begin(), d.reason.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      })) {
    return absl::InvalidArgumentError(absl::StrCat("reason: a code of A-Z, 0-9 and _, at most ", kMaxReasonLength));
  }
  return absl::OkStatus();
}

prometheus::Family<prometheus::Counter>& Counter(prometheus::Registry& registry, const std::string& name,
                                                 const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

ClaimReviews::ClaimReviews(storage::Database& db, const core::Clock& clock, events::EventSource source,
                           prometheus::Registry& registry, ProcessingTime& processing_time, ClaimReviewsOptions options,
                           std::function<void()> on_published)
    : db_(db),
      clock_(clock),
      source_(std::move(source)),
      processing_time_(processing_time),
      options_(options),
      on_published_(std::move(on_published)),
      reviewed_(Counter(registry, "himaya_claims_reviewed_total",
                        "Files decided by an agent's review, by program and decision (CONFIRM, REJECT)")),
      escalated_(Counter(registry, "himaya_claims_review_escalated_total",
                         "Files escalated for waiting on a review past escalate_after_days, by program")) {}

absl::StatusOr<ClaimPage> ClaimReviews::List(const std::string& state, int page_size, const std::string& page_token) {
  if (state.empty() || state == "PENDING") {
    return ReadClaimPage(db_, page_size, page_token,
                         [](storage::Transaction& tx, const std::optional<ClaimCursor>& after, int limit) {
                           return ClaimStore::InState(tx, kClaimInReview, after, limit);
                         });
  }
  if (state == "DECIDED") return ReadClaimPage(db_, page_size, page_token, &ClaimStore::Reviewed);
  return absl::InvalidArgumentError("state: PENDING or DECIDED");
}

absl::StatusOr<Claim> ClaimReviews::Decide(const ReviewDecision& decision) {
  RETURN_IF_ERROR(CheckDecision(decision));
  const bool reject = decision.verdict == ReviewVerdict::kReject;
  std::optional<Claim> claim;
  absl::Time now;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    now = clock_.Now();
    ASSIGN_OR_RETURN(claim, ClaimStore::Find(tx, decision.claim_id));
    if (!claim) return absl::NotFoundError(absl::StrCat("claim ", decision.claim_id, " is unknown"));
    if (claim->state != kClaimInReview) {
      return absl::FailedPreconditionError(absl::StrCat(kNotInReview, ": claim ", decision.claim_id, " is ",
                                                        claim->state, ", not waiting for a review"));
    }
    if (reject) {
      for (ClaimItemRecord& i : claim->items) {
        ItemDecision d;
        d.item = i.filed.item;
        d.reason = kRejectedByAgent;
        d.reason_detail = decision.reason;
        d.tnr_centimes = i.tnr_centimes;
        RETURN_IF_ERROR(ClaimStore::RecordItemDecision(tx, claim->claim_id, d));
      }
      claim->outcome = std::string(OutcomeName(Outcome::kRejected));
      claim->reimbursed_centimes = 0;
    }
    const bool settled = claim->reimbursed_centimes == 0;
    ASSIGN_OR_RETURN(bool recorded,
                     ClaimDecisionStore::RecordReview(tx, claim->claim_id, claim->outcome, claim->reimbursed_centimes,
                                                      now, settled, decision.agent, decision.reason));
    if (!recorded) {
      return absl::FailedPreconditionError(
          absl::StrCat(kNotInReview, ": claim ", decision.claim_id, " was decided meanwhile"));
    }
    ASSIGN_OR_RETURN(claim, ClaimStore::Find(tx, decision.claim_id));
    int accepted = 0;
    for (const ClaimItemRecord& i : claim->items) accepted += i.outcome == "ACCEPTED" ? 1 : 0;
    if (claim->program.empty()) return absl::OkStatus();  // no topic: see the decider
    return events::AppendManyToOutbox(
        tx,
        {ClaimDecidedEvent(
            source_, {claim->claim_id, claim->registration_number, claim->program, claim->outcome, accepted,
                      static_cast<int>(claim->items.size()) - accepted, claim->claimed_centimes,
                      claim->reimbursed_centimes, true, claim->received_at, now, FormatClaimDay(claim->due_date)})},
        clock_);
  }));
  reviewed_.Add({{"program", claim->program}, {"decision", reject ? "REJECT" : "CONFIRM"}}).Increment();
  if (claim->settled_at) processing_time_.Observe(claim->program, claim->received_at, *claim->settled_at);
  on_published_();
  return *std::move(claim);
}

absl::StatusOr<int> ClaimReviews::Escalate() {
  std::vector<std::string> programs;
  const absl::Time before = clock_.Now() - absl::Hours(24) * options_.escalate_after_days;
  absl::Status done = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(programs, ClaimDecisionStore::Escalate(tx, before));
    return absl::OkStatus();
  });
  if (!done.ok()) {
    log::Warn("claims waiting on a review not escalated", {{"error", std::string(done.message())}});
    return done;
  }
  std::map<std::string, int> by_program;
  for (const std::string& p : programs) ++by_program[p];
  for (const auto& [program, files] : by_program) {
    escalated_.Add({{"program", program}}).Increment(files);
    log::Warn("claims escalated: waiting on a review past the threshold",
              {{"program", program}, {"files", files}, {"escalate_after_days", options_.escalate_after_days}});
  }
  return static_cast<int>(programs.size());
}

}  // namespace himaya::claims
