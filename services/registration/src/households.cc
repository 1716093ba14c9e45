#include "registration/src/households.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/random.h"
#include "core/status_macros.h"
#include "events/topics.h"
#include "himaya/registration/v1/events.pb.h"

namespace himaya::registration {
namespace {

// True for a UUID in its canonical text form (as core::NewUuid writes member ids).
bool IsMemberId(absl::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !absl::ascii_isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

}  // namespace

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

absl::StatusOr<std::vector<std::optional<DeclaredHouseholdMember>>> Households::FindMembers(
    const std::vector<std::string>& member_ids) {
  if (member_ids.size() > kMaxHouseholdMemberIds) {
    return absl::InvalidArgumentError(absl::StrCat("member_ids: at most ", kMaxHouseholdMemberIds, " at once"));
  }
  for (size_t i = 0; i < member_ids.size(); ++i) {
    if (!IsMemberId(member_ids[i])) {
      return absl::InvalidArgumentError(absl::StrCat("member_ids[", i, "]: not a member id"));
    }
  }
  std::vector<StoredHouseholdMember> stored;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, HouseholdStore::FindByIds(tx, member_ids));
    return absl::OkStatus();
  }));
  absl::flat_hash_map<std::string, const StoredHouseholdMember*> by_id;
  for (const StoredHouseholdMember& m : stored) by_id[m.member_id] = &m;
  std::vector<std::optional<DeclaredHouseholdMember>> out(member_ids.size());
  for (size_t i = 0; i < member_ids.size(); ++i) {
    auto it = by_id.find(member_ids[i]);
    if (it == by_id.end()) continue;
    const StoredHouseholdMember& m = *it->second;
    out[i] =
        DeclaredHouseholdMember{m.member_id,
                                m.head_registration_number,
                                m.program,
                                {m.relationship, m.cin.value_or(""), m.last_name, m.first_name, m.birth_date, m.sex}};
  }
  return out;
}

}  // namespace himaya::registration
