#include "claims/src/claim_events.h"

#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/claims/v1/events.pb.h"

namespace himaya::claims {
namespace {

google::protobuf::Timestamp TimestampOf(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

events::OutgoingEvent Outgoing(const events::EventSource& source, const google::protobuf::Message& event,
                               const std::string& program, const std::string& registration_number) {
  return {events::Topic(events::kClaimsDomain, program),
          events::NewEnvelope(source, event, program, registration_number)};
}

}  // namespace

events::OutgoingEvent ClaimSubmittedEvent(const events::EventSource& source, const ClaimToDecide& claim,
                                          const std::string& program) {
  v1::ClaimSubmitted e;
  e.set_claim_id(claim.claim_id);
  e.set_registration_number(claim.registration_number);
  e.set_program(program);
  // The channel's kind only: an agent's id or a sender's batch stays in the service.
  e.set_channel(claim.channel.substr(0, claim.channel.find(':')));
  e.set_items(static_cast<int>(claim.items.size()));
  e.set_claimed_centimes(claim.claimed_centimes);
  *e.mutable_received_at() = TimestampOf(claim.received_at);
  e.set_due_date(claim.due_date);
  return Outgoing(source, e, program, claim.registration_number);
}

events::OutgoingEvent ClaimDecidedEvent(const events::EventSource& source, const DecidedClaim& claim) {
  v1::ClaimDecided e;
  e.set_claim_id(claim.claim_id);
  e.set_registration_number(claim.registration_number);
  e.set_program(claim.program);
  e.set_outcome(claim.outcome);
  e.set_items_accepted(claim.items_accepted);
  e.set_items_rejected(claim.items_rejected);
  e.set_claimed_centimes(claim.claimed_centimes);
  e.set_reimbursed_centimes(claim.reimbursed_centimes);
  e.set_reviewed(claim.reviewed);
  *e.mutable_received_at() = TimestampOf(claim.received_at);
  *e.mutable_decided_at() = TimestampOf(claim.decided_at);
  e.set_due_date(claim.due_date);
  return Outgoing(source, e, claim.program, claim.registration_number);
}

}  // namespace himaya::claims
