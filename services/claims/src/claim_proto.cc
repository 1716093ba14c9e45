#include "claims/src/claim_proto.h"

#include "google/protobuf/util/time_util.h"

namespace himaya::claims {
namespace {

google::protobuf::Timestamp TimestampOf(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

}  // namespace

void ToProto(const ClaimItemRecord& i, v1::ClaimItem* out) {
  out->set_item(i.filed.item);
  out->set_beneficiary_id(i.filed.beneficiary_id);
  out->set_care_date(FormatClaimDay(i.filed.care_date));
  out->set_act_code(i.filed.act_code);
  out->set_quantity(i.filed.quantity);
  out->set_amount_paid_centimes(i.filed.amount_paid_centimes);
  out->set_ald_certificate(i.filed.ald_certificate);
  out->set_outcome(i.outcome);
  out->set_reason(i.reason);
  out->set_reason_detail(i.reason_detail);
  out->set_tnr_amount_centimes(i.tnr_centimes);
  out->set_rate_percent(i.rate_percent);
  out->set_reimbursed_centimes(i.reimbursed_centimes);
}

void ToProto(const Claim& c, v1::Claim* out) {
  out->set_claim_id(c.claim_id);
  out->set_registration_number(c.registration_number);
  out->set_program(c.program);
  out->set_channel(c.channel);
  out->set_filed_date(FormatClaimDay(c.filed_date));
  out->set_state(c.state);
  out->set_outcome(c.outcome);
  out->set_claimed_centimes(c.claimed_centimes);
  out->set_reimbursed_centimes(c.reimbursed_centimes);
  *out->mutable_received_at() = TimestampOf(c.received_at);
  out->set_due_date(FormatClaimDay(c.due_date));
  if (c.decided_at) *out->mutable_decided_at() = TimestampOf(*c.decided_at);
  if (c.paid_at) *out->mutable_paid_at() = TimestampOf(*c.paid_at);
  out->set_review_reason(c.review_reason);
  out->set_reviewed_by(c.reviewed_by);
  out->set_escalated(c.escalated);
  out->set_payment_run_id(c.payment_run_id);
  for (const ClaimItemRecord& i : c.items) ToProto(i, out->add_items());
}

void ToProto(const ClaimBatchStatus& s, v1::ClaimBatchStatus* out) {
  out->set_batch_id(s.batch_id);
  out->set_sender(s.sender);
  out->set_state(s.state);
  out->set_rows_received(s.rows_received);
  out->set_claims_received(s.claims_received);
  out->set_claims_decided(s.claims_decided);
  for (const auto& [outcome, files] : s.outcomes) (*out->mutable_outcomes())[outcome] = files;
  out->set_refusal(s.refusal);
  *out->mutable_received_at() = TimestampOf(s.received_at);
  if (s.completed_at) *out->mutable_completed_at() = TimestampOf(*s.completed_at);
}

}  // namespace himaya::claims
