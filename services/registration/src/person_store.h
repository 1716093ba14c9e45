// The registration service's persons in its own database (SQL lives here, and only here).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registration/src/person.h"
#include "storage/database.h"

namespace himaya::registration {

class PersonStore {
 public:
  // The persons columns written by Insert, and one person's values for them (for bulk inserts).
  static const std::vector<std::string>& InsertColumns();
  static std::vector<storage::Value> InsertValues(const Person& person);
  // ALREADY_EXISTS when the CIN or the number is taken.
  static absl::Status Insert(storage::Transaction& tx, const Person& person);
  static absl::StatusOr<std::optional<Person>> FindByNumber(storage::Transaction& tx, absl::string_view number);
  static absl::StatusOr<std::optional<Person>> FindByCin(storage::Transaction& tx, absl::string_view cin);
};

}  // namespace himaya::registration
