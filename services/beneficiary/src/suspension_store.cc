#include "beneficiary/src/suspension_store.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/insured_store.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {

absl::StatusOr<bool> SuspensionStore::Suspend(storage::Transaction& tx, absl::string_view registration_number,
                                              absl::string_view program, absl::CivilDay from) {
  ASSIGN_OR_RETURN(auto open, tx.Query("SELECT from_day FROM coverage_suspensions "
                                       "WHERE registration_number = $1 AND to_day IS NULL",
                                       {registration_number}));
  if (!open.empty()) return false;
  ASSIGN_OR_RETURN(int64_t inserted,
                   tx.Execute("INSERT INTO coverage_suspensions (registration_number, from_day, to_day, program) "
                              "VALUES ($1, $2, NULL, $3) ON CONFLICT (registration_number, from_day) DO NOTHING",
                              {registration_number, FormatDay(from), program}));
  return inserted > 0;
}

absl::StatusOr<bool> SuspensionStore::Restore(storage::Transaction& tx, absl::string_view registration_number,
                                              absl::CivilDay from) {
  ASSIGN_OR_RETURN(auto open, tx.Query("SELECT from_day FROM coverage_suspensions "
                                       "WHERE registration_number = $1 AND to_day IS NULL",
                                       {registration_number}));
  if (open.empty()) return false;
  const std::string start = open[0].Text(0);
  const std::optional<absl::CivilDay> started = ParseDay(start);
  if (!started || from <= *started) {
    RETURN_IF_ERROR(tx.Execute("DELETE FROM coverage_suspensions WHERE registration_number = $1 AND from_day = $2",
                               {registration_number, start})
                        .status());
  } else {
    RETURN_IF_ERROR(tx.Execute("UPDATE coverage_suspensions SET to_day = $3 "
                               "WHERE registration_number = $1 AND from_day = $2",
                               {registration_number, start, FormatDay(from - 1)})
                        .status());
  }
  return true;
}

absl::StatusOr<std::map<std::string, std::vector<Suspension>>> SuspensionStore::ForMany(
    storage::Transaction& tx, const std::vector<std::string>& numbers) {
  std::map<std::string, std::vector<Suspension>> out;
  if (numbers.empty()) return out;
  std::vector<storage::Value> params(numbers.begin(), numbers.end());
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT registration_number, from_day, to_day "
                                         "FROM coverage_suspensions WHERE registration_number IN (",
                                         Placeholders(1, numbers.size()), ") ORDER BY registration_number, from_day"),
                            params));
  for (const storage::Row& r : rows) {
    const std::optional<absl::CivilDay> from = ParseDay(r.Text(1));
    if (!from) continue;  // never written by Suspend
    Suspension s{*from, r.IsNull(2) ? std::nullopt : ParseDay(r.Text(2))};
    out[r.Text(0)].push_back(s);
  }
  return out;
}

}  // namespace himaya::beneficiary
