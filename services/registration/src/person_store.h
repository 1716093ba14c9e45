// The registration service's persons in its own database: `persons`, `cin_aliases` (CINs an
// agent merged into a person) and `activities` (what each batch or decision recorded of a
// person). The SQL of these tables lives here, and only here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registration/src/person.h"
#include "storage/database.h"

namespace himaya::registration {

// What a liaison batch (or an agent's decision on one of its rows) recorded of a person.
struct Activity {
  std::string registration_number;
  std::string program;
  std::optional<std::string> category;
  std::optional<std::string> liaison_body;
  std::optional<std::string> professional_id;
  std::optional<std::string> batch_key;
  int64_t recorded_at_us = 0;
};

// How many persons (or portal accounts) one program, category and city holds.
struct PersonGroupCount {
  std::string program;
  std::string category;  // "" when none
  std::string city;      // "" when none
  int64_t count = 0;
};

class PersonStore {
 public:
  // The persons columns written by Insert, and one person's values for them (for bulk inserts).
  static const std::vector<std::string>& InsertColumns();
  static std::vector<storage::Value> InsertValues(const Person& person);
  // ALREADY_EXISTS when the CIN or the number is taken.
  static absl::Status Insert(storage::Transaction& tx, const Person& person);
  // Registered persons by the program, category and city they were registered with.
  static absl::StatusOr<std::vector<PersonGroupCount>> CountByGroup(storage::Transaction& tx);
  // Inserts many persons in few statements. ALREADY_EXISTS when a CIN or a number is taken.
  static absl::Status InsertMany(storage::Transaction& tx, const std::vector<Person>& persons);
  static absl::Status RecordActivities(storage::Transaction& tx, const std::vector<Activity>& activities);
  // Records `cin` as another CIN of the person `registration_number` (an agent's merge): FindByCin
  // finds that person by it. ALREADY_EXISTS when the CIN has an alias.
  static absl::Status AddCinAlias(storage::Transaction& tx, absl::string_view cin,
                                  absl::string_view registration_number, absl::string_view reason);
  static absl::StatusOr<std::optional<Person>> FindByNumber(storage::Transaction& tx, absl::string_view number);
  static absl::StatusOr<std::optional<Person>> FindByCin(storage::Transaction& tx, absl::string_view cin);
};

}  // namespace himaya::registration
