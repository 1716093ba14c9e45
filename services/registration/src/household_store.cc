#include "registration/src/household_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

constexpr char kColumns[] =
    "member_id, head_registration_number, relationship, cin, last_name, first_name, birth_date, sex, program, "
    "batch_key, row_number";

StoredHouseholdMember FromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.OptionalText(3), r.Text(4), r.Text(5),
          r.Text(6), r.Text(7), r.Text(8), r.Text(9),         r.Int(10)};
}

}  // namespace

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

absl::StatusOr<std::vector<StoredHouseholdMember>> HouseholdStore::FindByIds(
    storage::Transaction& tx, const std::vector<std::string>& member_ids) {
  // One statement of a fixed number of ids, prepared once; the last is padded with NULLs, which
  // match nothing.
  constexpr size_t kIdsPerStatement = 100;
  static const std::string* const sql = [] {
    auto* text = new std::string(absl::StrCat("SELECT ", kColumns, " FROM household_members WHERE member_id IN ("));
    for (size_t i = 0; i < kIdsPerStatement; ++i) absl::StrAppend(text, i ? ", $" : "$", i + 1);
    absl::StrAppend(text, ")");
    return text;
  }();
  std::vector<StoredHouseholdMember> found;
  std::vector<storage::Value> params;
  for (size_t next = 0; next < member_ids.size(); next += kIdsPerStatement) {
    params.assign(kIdsPerStatement, storage::Value());
    for (size_t i = next; i < member_ids.size() && i < next + kIdsPerStatement; ++i) params[i - next] = member_ids[i];
    ASSIGN_OR_RETURN(std::vector<storage::Row> rows, tx.Query(*sql, params));
    for (const storage::Row& r : rows) found.push_back(FromRow(r));
  }
  return found;
}

}  // namespace himaya::registration
