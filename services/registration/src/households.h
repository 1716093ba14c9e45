// Households of amo-tadamon and family-allowances: a spouse or child row becomes a member
// attached to the head's registration number, and a HouseholdMemberDeclared event tells the
// beneficiary service (the event names the head's number only, never the member's identity),
// which then asks for the members' identity by their ids (Households::FindMembers).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/outbox.h"
#include "registration/src/household_store.h"
#include "storage/database.h"

namespace himaya::registration {

struct HouseholdMember {
  std::string relationship;  // SPOUSE or CHILD
  std::string cin;           // may be empty for a child
  std::string last_name;
  std::string first_name;
  std::string birth_date;
  std::string sex;
};

// Where the member came from.
struct MemberSource {
  std::string program;
  std::string liaison_body;
  std::string batch_id;
  std::string batch_key;
  int64_t row_number = 0;
};

// Members declared in one transaction: rows to insert and events to append.
class HouseholdMembers {
 public:
  explicit HouseholdMembers(const events::EventSource& source) : source_(source) {}

  void Add(const std::string& head_number, const HouseholdMember& member, const MemberSource& from);
  // Inserts the rows and appends the events to the outbox of `tx`.
  absl::Status Write(storage::Transaction& tx);

 private:
  const events::EventSource& source_;
  std::vector<StoredHouseholdMember> rows_;
  std::vector<events::OutgoingEvent> events_;
};

inline constexpr size_t kMaxHouseholdMemberIds = 1000;

// A member as the beneficiary service asks for it: who, attached to whom, under which program.
struct DeclaredHouseholdMember {
  std::string member_id;
  std::string head_registration_number;
  std::string program;
  HouseholdMember identity;
};

// The household members declared so far, read by their ids.
class Households {
 public:
  explicit Households(storage::Database& db) : db_(db) {}

  // Each id's member, in the order asked, all read in one transaction: nullopt for an id no
  // member has. INVALID_ARGUMENT beyond kMaxHouseholdMemberIds ids, or naming the position of an
  // id that is not a member id (members' ids are UUIDs; the id itself is not quoted).
  absl::StatusOr<std::vector<std::optional<DeclaredHouseholdMember>>> FindMembers(
      const std::vector<std::string>& member_ids);

 private:
  storage::Database& db_;
};

}  // namespace himaya::registration
