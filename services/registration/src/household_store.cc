#include "registration/src/household_store.h"

#include "storage/bulk.h"

namespace himaya::registration {

absl::Status HouseholdStore::Insert(storage::Transaction& tx, const std::vector<StoredHouseholdMember>& members) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(members.size());
  for (const StoredHouseholdMember& m : members) {
    rows.push_back({m.member_id, m.head_registration_number, m.relationship, m.cin, m.last_name, m.first_name,
                    m.birth_date, m.sex, m.program, m.batch_key, m.row_number});
  }
  return storage::InsertRows(tx, "household_members",
                             {"member_id", "head_registration_number", "relationship", "cin", "last_name", "first_name",
                              "birth_date", "sex", "program", "batch_key", "row_number"},
                             rows)
      .status();
}

}  // namespace himaya::registration
