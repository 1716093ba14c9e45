#include "claims/src/payment_events.h"

#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/claims/v1/events.pb.h"

namespace himaya::claims {

absl::Status AppendClaimsPaid(storage::Transaction& tx, const events::EventSource& source, absl::string_view run_id,
                              const std::vector<RunClaim>& paid, absl::Time paid_at) {
  std::vector<events::OutgoingEvent> out;
  out.reserve(paid.size());
  const google::protobuf::Timestamp at =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(paid_at));
  for (const RunClaim& c : paid) {
    v1::ClaimPaid e;
    e.set_claim_id(c.claim_id);
    e.set_registration_number(c.registration_number);
    e.set_program(c.program);
    e.set_run_id(std::string(run_id));
    e.set_paid_centimes(c.amount_centimes);
    *e.mutable_paid_at() = at;
    out.push_back({events::Topic(events::kClaimsDomain, c.program),
                   events::NewEnvelope(source, e, c.program, c.registration_number)});
  }
  return events::AppendManyToOutbox(tx, out, *source.clock);
}

}  // namespace himaya::claims
