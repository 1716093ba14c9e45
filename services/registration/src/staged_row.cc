#include "registration/src/staged_row.h"

#include <array>

#include "nlohmann/json.hpp"

namespace himaya::registration {
namespace {

// The person's fields of a staged row: the column, the person's field, the staged row's field.
struct PersonField {
  const char* column;
  std::string Person::*person;
  std::optional<std::string> StagedRow::*staged;
};
const std::array<PersonField, 13>& StagedPersonFields() {
  static const std::array<PersonField, 13> fields = {{
      {"cin", &Person::cin, &StagedRow::cin},
      {"last_name", &Person::last_name, &StagedRow::last_name},
      {"first_name", &Person::first_name, &StagedRow::first_name},
      {"last_name_ar", &Person::last_name_ar, &StagedRow::last_name_ar},
      {"first_name_ar", &Person::first_name_ar, &StagedRow::first_name_ar},
      {"birth_date", &Person::birth_date, &StagedRow::birth_date},
      {"sex", &Person::sex, &StagedRow::sex},
      {"phone", &Person::phone, &StagedRow::phone},
      {"email", &Person::email, &StagedRow::email},
      {"preferred_language", &Person::preferred_language, &StagedRow::preferred_language},
      {"address", &Person::address, &StagedRow::address},
      {"city", &Person::city, &StagedRow::city},
      {"category", &Person::category, &StagedRow::category},
  }};
  return fields;
}

}  // namespace

const std::vector<std::pair<std::string, std::optional<std::string> StagedRow::*>>& StagedTextColumns() {
  static const auto* const columns = new std::vector<std::pair<std::string, std::optional<std::string> StagedRow::*>>{
      {"record_id", &StagedRow::record_id},
      {"cin", &StagedRow::cin},
      {"last_name", &StagedRow::last_name},
      {"first_name", &StagedRow::first_name},
      {"last_name_ar", &StagedRow::last_name_ar},
      {"first_name_ar", &StagedRow::first_name_ar},
      {"birth_date", &StagedRow::birth_date},
      {"sex", &StagedRow::sex},
      {"phone", &StagedRow::phone},
      {"email", &StagedRow::email},
      {"preferred_language", &StagedRow::preferred_language},
      {"address", &StagedRow::address},
      {"city", &StagedRow::city},
      {"category", &StagedRow::category},
      {"professional_id", &StagedRow::professional_id},
      {"household_id", &StagedRow::household_id},
      {"relationship", &StagedRow::relationship},
      {"name_key", &StagedRow::name_key},
      {"reasons", &StagedRow::reasons},
  };
  return *columns;
}

std::optional<std::string> NonEmpty(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

nlohmann::json StagedRowJson(const StagedRow& row) {
  nlohmann::json json;
  for (const auto& [column, field] : StagedTextColumns()) {
    if (row.*field) json[column] = *(row.*field);
  }
  return json;
}

absl::StatusOr<nlohmann::json> ParseStagedRow(absl::string_view text) {
  nlohmann::json row = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!row.is_object()) return absl::DataLossError("a kept batch row is not a JSON object");
  return row;
}

std::string StagedText(const nlohmann::json& row, const std::string& column) {
  auto it = row.find(column);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Person PersonFromStagedRow(const StagedRow& row, const std::string& program, absl::Time now) {
  Person p;
  for (const PersonField& f : StagedPersonFields()) p.*f.person = TextOf(row.*f.staged);
  p.program = program;
  p.registered_at = now;
  return p;
}

Person PersonFromStagedRow(const nlohmann::json& row, const std::string& program, absl::Time now) {
  Person p;
  for (const PersonField& f : StagedPersonFields()) p.*f.person = StagedText(row, f.column);
  p.program = program;
  p.registered_at = now;
  return p;
}

}  // namespace himaya::registration
