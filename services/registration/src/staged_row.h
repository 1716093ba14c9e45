// A liaison batch row as it is staged (batch_rows) between receiving and applying: its fields
// normalised, and the reasons that make it INVALID when it broke a rule. Every column may be
// absent (NULL): a row that does not fit its header keeps its number and its reason only. A row
// that waits for an agent (a review, a dependent held with its head) is kept as JSON keyed by
// column, with its absent columns left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json_fwd.hpp"
#include "registration/src/person.h"

namespace himaya::registration {

struct StagedRow {
  int64_t row_number = 0;  // in the data file, from 1 after the header
  std::optional<std::string> record_id;
  std::optional<std::string> cin;
  std::optional<std::string> last_name;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name_ar;
  std::optional<std::string> first_name_ar;
  std::optional<std::string> birth_date;
  std::optional<std::string> sex;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<std::string> preferred_language;
  std::optional<std::string> address;
  std::optional<std::string> city;
  std::optional<std::string> category;
  std::optional<std::string> professional_id;
  std::optional<std::string> household_id;
  std::optional<std::string> relationship;  // HEAD, SPOUSE, CHILD
  std::optional<std::string> name_key;
  std::optional<std::string> reasons;  // "COLUMN:REASON;..." when the row is INVALID
  // Whether an earlier row of the batch may carry the same record_id, and whether an earlier
  // row valid when staged may carry the same CIN (see RepeatHints). Never false when one does.
  bool record_id_may_repeat = true;
  bool cin_may_repeat = true;
};

// The text columns of a staged row, named as in batch_rows and in the kept JSON, in table
// order, with the field of StagedRow holding each.
const std::vector<std::pair<std::string, std::optional<std::string> StagedRow::*>>& StagedTextColumns();

// `value`, or absent when it is empty.
std::optional<std::string> NonEmpty(const std::string& value);
// The text of a column; "" when absent.
inline const std::string& TextOf(const std::optional<std::string>& column) {
  static const std::string* const kEmpty = new std::string();
  return column ? *column : *kEmpty;
}

// The row kept as JSON, every present column by name.
nlohmann::json StagedRowJson(const StagedRow& row);
// A staged row as reviews keep it (JSON keyed by staged column). DATA_LOSS when the text is not
// a JSON object.
absl::StatusOr<nlohmann::json> ParseStagedRow(absl::string_view text);
// A column of such a row; "" when absent or not text.
std::string StagedText(const nlohmann::json& row, const std::string& column);

// The person of a staged row, to register.
Person PersonFromStagedRow(const StagedRow& row, const std::string& program, absl::Time now);
// The person of a kept row, to register.
Person PersonFromStagedRow(const nlohmann::json& row, const std::string& program, absl::Time now);

}  // namespace himaya::registration
