#include "registration/src/row_decision.h"

#include "absl/strings/str_cat.h"

namespace himaya::registration {

RowDecision DecideRow(const StagedRow& row, const RowFindings& found, ApplyPhase phase,
                      const std::optional<std::string>& registered_in_chunk) {
  RowDecision d;
  if (row.reasons) {
    d.outcome = kInvalid;
    d.reasons = *row.reasons;
  } else if (found.earlier_record_id) {
    d.outcome = kInvalid;
    d.reasons = absl::StrCat("record_id:DUPLICATE_RECORD_ID(", *found.earlier_record_id, ")");
  } else if (found.earlier_same_cin) {
    d.outcome = kDuplicateInBatch;
    d.reasons = absl::StrCat("cin:SAME_AS(", *found.earlier_same_cin, ")");
  } else if (found.registered_number) {
    d.outcome = kAlreadyRegistered;
    d.action = RowAction::kRecordActivity;
    d.registration_number = *found.registered_number;
  } else if (found.coverage_scheme) {
    d.outcome = kAlreadyCovered;
    d.reasons = absl::StrCat("coverage:", *found.coverage_scheme);
  } else if (phase == ApplyPhase::kDependents) {
    if (!found.head_number && found.head_row_in_review) {
      d.outcome = kNeedsReview;
      d.action = RowAction::kHoldForHead;
      d.reasons = "household_id:HEAD_IN_REVIEW";
      d.head_row = *found.head_row_in_review;
    } else if (!found.head_number) {
      d.outcome = kInvalid;
      d.reasons = "household_id:HEAD_NOT_REGISTERED";
    } else {
      d.outcome = kDependent;
      d.action = RowAction::kAttachToHead;
      d.registration_number = *found.head_number;
    }
  } else if (found.lookalike_number || registered_in_chunk) {
    d.outcome = kNeedsReview;
    d.action = RowAction::kSendToReview;
    d.reasons = "name:LOOKS_LIKE_REGISTERED_PERSON";
    d.review_candidate = found.lookalike_number ? *found.lookalike_number : *registered_in_chunk;
  } else {
    d.outcome = kRegistered;
    d.action = RowAction::kRegister;
  }
  return d;
}

}  // namespace himaya::registration
