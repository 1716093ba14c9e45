#include "contributions/src/insured_store.h"

#include "absl/strings/str_cat.h"
#include "contributions/src/contribution_rules.h"
#include "core/status_macros.h"

namespace himaya::contributions {
namespace {

constexpr char kColumns[] = "registration_number, program, category, region, registered_on, source_event";

Insured ReadInsured(const storage::Row& r) {
  return Insured{r.Text(0), r.Text(1), r.Text(2), r.Text(3), ParseDay(r.Text(4)).value_or(absl::CivilDay()), r.Text(5)};
}

std::vector<Insured> ReadAll(const std::vector<storage::Row>& rows) {
  std::vector<Insured> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadInsured(r));
  return out;
}

}  // namespace

absl::StatusOr<bool> InsuredStore::RecordRegistered(storage::Transaction& tx, const Insured& i) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("INSERT INTO insured (registration_number, program, category, region, registered_on, source_event) "
                 "VALUES ($1, $2, $3, $4, $5, 'PersonRegistered') "
                 "ON CONFLICT (registration_number, program) DO UPDATE SET category = excluded.category, "
                 "region = excluded.region, registered_on = excluded.registered_on, "
                 "source_event = excluded.source_event WHERE insured.source_event <> 'PersonRegistered'",
                 {i.registration_number, i.program, i.category, i.region, FormatDay(i.registered_on)}));
  return changed > 0;
}

absl::StatusOr<bool> InsuredStore::RecordMerged(storage::Transaction& tx, const Insured& i) {
  ASSIGN_OR_RETURN(auto regions, tx.Query("SELECT region FROM insured WHERE registration_number = $1 AND region <> '' "
                                          "ORDER BY program LIMIT 1",
                                          {i.registration_number}));
  const std::string region = regions.empty() ? i.region : regions[0].Text(0);
  ASSIGN_OR_RETURN(int64_t inserted,
                   tx.Execute("INSERT INTO insured (registration_number, program, category, region, registered_on, "
                              "source_event) VALUES ($1, $2, $3, $4, $5, 'PersonMerged') "
                              "ON CONFLICT (registration_number, program) DO NOTHING",
                              {i.registration_number, i.program, i.category, region, FormatDay(i.registered_on)}));
  return inserted > 0;
}

absl::StatusOr<std::vector<Insured>> InsuredStore::Find(storage::Transaction& tx,
                                                        absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                    " FROM insured WHERE registration_number = $1 ORDER BY program"),
                                       {registration_number}));
  return ReadAll(rows);
}

absl::StatusOr<std::vector<Insured>> InsuredStore::Page(storage::Transaction& tx, absl::string_view program,
                                                        absl::CivilDay last_day, absl::string_view after, int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM insured WHERE program = $1 AND registered_on <= $2 "
                                         "AND registration_number > $3 ORDER BY registration_number LIMIT $4"),
                            {program, FormatDay(last_day), after, limit}));
  return ReadAll(rows);
}

}  // namespace himaya::contributions
