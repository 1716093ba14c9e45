// Household members in the database (`household_members`): the spouses and children attached to
// a head's registration number. The SQL of this table lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "storage/database.h"

namespace himaya::registration {

// A member as kept.
struct StoredHouseholdMember {
  std::string member_id;
  std::string head_registration_number;
  std::string relationship;  // SPOUSE or CHILD
  std::optional<std::string> cin;
  std::string last_name;
  std::string first_name;
  std::string birth_date;
  std::string sex;
  std::string program;
  std::string batch_key;
  int64_t row_number = 0;
};

class HouseholdStore {
 public:
  static absl::Status Insert(storage::Transaction& tx, const std::vector<StoredHouseholdMember>& members);
};

}  // namespace himaya::registration
