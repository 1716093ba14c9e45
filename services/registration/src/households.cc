#include "registration/src/households.h"

#include "core/random.h"
#include "core/status_macros.h"
#include "events/topics.h"
#include "himaya/registration/v1/events.pb.h"

namespace himaya::registration {

void HouseholdMembers::Add(const std::string& head_number, const HouseholdMember& member, const MemberSource& from) {
  const std::string member_id = core::NewUuid(*source_.random);
  rows_.push_back({member_id, head_number, member.relationship,
                   member.cin.empty() ? std::nullopt : std::optional<std::string>(member.cin), member.last_name,
                   member.first_name, member.birth_date, member.sex, from.program, from.batch_key, from.row_number});
  v1::HouseholdMemberDeclared event;
  event.set_head_registration_number(head_number);
  event.set_member_id(member_id);
  event.set_relationship(member.relationship);
  event.set_program(from.program);
  event.set_liaison_body(from.liaison_body);
  event.set_batch_id(from.batch_id);
  events_.push_back({events::Topic(events::kRegistrationDomain, from.program),
                     events::NewEnvelope(source_, event, from.program, head_number)});
}

absl::Status HouseholdMembers::Write(storage::Transaction& tx) {
  RETURN_IF_ERROR(HouseholdStore::Insert(tx, rows_));
  return events::AppendManyToOutbox(tx, events_, *source_.clock);
}

}  // namespace himaya::registration
