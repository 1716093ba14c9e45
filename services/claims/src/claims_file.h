// The bulk claims file (docs/claims-file.md): one CSV row per item, the items of a file sharing
// its claim_id, with the liaison manifest (libs/liaison: count, sha256). This reads one row's
// fields into what the rules decide; a row that cannot be read still becomes an item, marked
// with the field at fault, so that every row ends with an outcome.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "claim_rules.h"

namespace himaya::claims {

// The file's columns, in the order the contract lists them (ald_certificate optional).
const std::vector<std::string>& ClaimsFileRequiredColumns();  // without ald_certificate

struct ClaimRow {
  int64_t row = 0;  // the row's place in the data file, from 1 after the header
  std::string claim_id;
  std::string registration_number;
  absl::CivilDay filed_date;
  FiledItem item;  // item.invalid_field set when a field could not be read
};

// Reads a row by column name through `get` (the value of a column, "" when absent). Never
// fails: a bad field is named in item.invalid_field (the first one, in the contract's order);
// claim_id and registration_number are kept as written (bounded) even then, so the report can
// name the file.
ClaimRow ReadClaimRow(int64_t row, const std::function<const std::string&(const std::string& column)>& get);

}  // namespace himaya::claims
