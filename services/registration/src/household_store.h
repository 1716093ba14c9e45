// Household members in the database (`household_members`): the spouses and children attached to
// a head's registration number. The SQL of this table lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
  // The members among `member_ids`, in no particular order (an unknown id has no row), read
  // in statements of many ids each.
  static absl::StatusOr<std::vector<StoredHouseholdMember>> FindByIds(storage::Transaction& tx,
                                                                      const std::vector<std::string>& member_ids);
};

}  // namespace himaya::registration
