// Households of amo-tadamon and family-allowances: a spouse or child row becomes a member
// attached to the head's registration number, and a HouseholdMemberDeclared event tells the
// beneficiary service (the event names the head's number only, never the member's identity).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
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

}  // namespace himaya::registration
