// The registration service's persons in its own database (SQL lives here, and only here).
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "registration/src/person.h"
#include "storage/database.h"

namespace himaya::registration {

class PersonStore {
 public:
  // Takes the next registration-number sequence value. RESOURCE_EXHAUSTED past the last.
  static absl::StatusOr<int64_t> NextSequence(storage::Transaction& tx);
  // ALREADY_EXISTS when the CIN or the number is taken.
  static absl::Status Insert(storage::Transaction& tx, const Person& person);
  static absl::StatusOr<std::optional<Person>> FindByNumber(storage::Transaction& tx,
                                                            absl::string_view number);
  static absl::StatusOr<std::optional<Person>> FindByCin(storage::Transaction& tx,
                                                         absl::string_view cin);
};

}  // namespace himaya::registration
