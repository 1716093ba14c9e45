#include "contributions/src/contribution_events.h"

#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/contributions/v1/events.pb.h"

namespace himaya::contributions {
namespace {

google::protobuf::Timestamp TimestampOf(absl::Time at) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
}

}  // namespace

absl::Status AppendContributionsCalled(storage::Transaction& tx, const events::EventSource& source,
                                       const std::vector<Call>& calls) {
  std::vector<events::OutgoingEvent> out;
  out.reserve(calls.size());
  for (const Call& c : calls) {
    v1::ContributionCalled e;
    e.set_registration_number(c.registration_number);
    e.set_program(c.program);
    e.set_period(FormatPeriod(c.period));
    e.set_amount_centimes(c.amount_centimes);
    e.set_payer(std::string(PayerName(c.payer)));
    e.set_due_date(FormatDay(c.due_date));
    *e.mutable_called_at() = TimestampOf(c.called_at);
    out.push_back({events::Topic(events::kContributionsDomain, c.program),
                   events::NewEnvelope(source, e, c.program, c.registration_number)});
  }
  if (out.empty()) return absl::OkStatus();
  return events::AppendManyToOutbox(tx, out, *source.clock);
}

absl::Status AppendContributionPaid(storage::Transaction& tx, const events::EventSource& source,
                                    const AppliedPayment& p) {
  v1::ContributionPaid e;
  e.set_registration_number(p.row.registration_number);
  e.set_program(p.program);
  e.set_payment_id(p.row.payment_id);
  e.set_amount_centimes(p.row.amount_centimes);
  e.set_paid_on(FormatDay(p.row.paid_on));
  for (absl::CivilMonth period : p.periods) e.add_periods(FormatPeriod(period));
  e.set_balance_centimes(p.balance_centimes);
  *e.mutable_applied_at() = TimestampOf(p.applied_at);
  return events::AppendToOutbox(tx, events::Topic(events::kContributionsDomain, p.program),
                                events::NewEnvelope(source, e, p.program, p.row.registration_number), *source.clock);
}

absl::Status AppendCoverageSuspended(storage::Transaction& tx, const events::EventSource& source, const Suspension& s) {
  v1::CoverageSuspended e;
  e.set_registration_number(s.registration_number);
  e.set_program(s.program);
  e.set_from_date(FormatDay(s.from_date));
  e.set_arrears_centimes(s.arrears_centimes);
  e.set_oldest_unpaid_period(FormatPeriod(s.oldest_unpaid_period));
  *e.mutable_suspended_at() = TimestampOf(s.suspended_at);
  return events::AppendToOutbox(tx, events::Topic(events::kContributionsDomain, s.program),
                                events::NewEnvelope(source, e, s.program, s.registration_number), *source.clock);
}

absl::Status AppendCoverageRestored(storage::Transaction& tx, const events::EventSource& source, const Suspension& s,
                                    absl::CivilDay from, absl::string_view payment_id, absl::Time restored_at) {
  v1::CoverageRestored e;
  e.set_registration_number(s.registration_number);
  e.set_program(s.program);
  e.set_from_date(FormatDay(from));
  e.set_payment_id(std::string(payment_id));
  *e.mutable_restored_at() = TimestampOf(restored_at);
  return events::AppendToOutbox(tx, events::Topic(events::kContributionsDomain, s.program),
                                events::NewEnvelope(source, e, s.program, s.registration_number), *source.clock);
}

}  // namespace himaya::contributions
