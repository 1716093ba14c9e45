#include "beneficiary/src/family_events.h"

#include "beneficiary/src/allowance_rules.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/beneficiary/v1/events.pb.h"

namespace himaya::beneficiary {
namespace {

google::protobuf::Timestamp Now(const core::Clock& clock) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock.Now()));
}

absl::Status Append(storage::Transaction& tx, const events::EventSource& source, const Dependent& d,
                    const google::protobuf::Message& event, const core::Clock& clock) {
  return events::AppendToOutbox(tx, events::Topic(events::kBeneficiaryDomain, d.program),
                                events::NewEnvelope(source, event, d.program, d.registration_number), clock);
}

}  // namespace

absl::Status AppendDeclared(storage::Transaction& tx, const events::EventSource& source, const Dependent& d,
                            const core::Clock& clock) {
  v1::BeneficiaryDeclared e;
  e.set_registration_number(d.registration_number);
  e.set_beneficiary_id(d.beneficiary_id);
  e.set_relationship(d.relationship);
  e.set_program(d.program);
  e.set_source(d.source);
  if (!d.periods.empty()) e.set_start_date(FormatDay(d.periods.front().start));
  *e.mutable_declared_at() = Now(clock);
  return Append(tx, source, d, e, clock);
}

absl::Status AppendRemoved(storage::Transaction& tx, const events::EventSource& source, const Dependent& d,
                           absl::CivilDay end, absl::string_view reason, const core::Clock& clock) {
  v1::BeneficiaryRemoved e;
  e.set_registration_number(d.registration_number);
  e.set_beneficiary_id(d.beneficiary_id);
  e.set_relationship(d.relationship);
  e.set_program(d.program);
  e.set_end_date(FormatDay(end));
  e.set_reason(std::string(reason));
  *e.mutable_removed_at() = Now(clock);
  return Append(tx, source, d, e, clock);
}

absl::Status AppendAllowancePaid(storage::Transaction& tx, const events::EventSource& source, const AllowancePayment& p,
                                 const core::Clock& clock) {
  v1::AllowancePaid e;
  e.set_registration_number(p.registration_number);
  e.set_program(kFamilyAllowancesProgram);
  e.set_run_id(p.run_id);
  e.set_month(FormatMonth(p.month));
  e.set_children_with_right(static_cast<int32_t>(p.children_with_right));
  e.set_amount_centimes(p.amount_centimes);
  e.set_arrears_centimes(p.arrears_centimes);
  e.set_recovery_centimes(p.recovery_centimes);
  e.set_paid_centimes(p.paid_centimes);
  e.set_paid_on(FormatDay(p.paid_on));
  *e.mutable_paid_at() = Now(clock);
  return events::AppendToOutbox(tx, events::Topic(events::kBeneficiaryDomain, kFamilyAllowancesProgram),
                                events::NewEnvelope(source, e, kFamilyAllowancesProgram, p.registration_number), clock);
}

}  // namespace himaya::beneficiary
