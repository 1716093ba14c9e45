#include "contributions/src/suspension_store.h"

#include "absl/strings/str_cat.h"
#include "contributions/src/contribution_rules.h"
#include "core/status_macros.h"

namespace himaya::contributions {
namespace {

constexpr char kColumns[] =
    "registration_number, program, from_date, arrears_centimes, oldest_unpaid_period, region, suspended_at_us, "
    "restored_from, restored_by";

Suspension ReadSuspension(const storage::Row& r) {
  Suspension s;
  s.registration_number = r.Text(0);
  s.program = r.Text(1);
  s.from_date = ParseDay(r.Text(2)).value_or(absl::CivilDay());
  s.arrears_centimes = r.Int(3);
  s.oldest_unpaid_period = ParsePeriod(r.Text(4)).value_or(absl::CivilMonth());
  s.region = r.Text(5);
  s.suspended_at = absl::FromUnixMicros(r.Int(6));
  if (!r.IsNull(7)) s.restored_from = ParseDay(r.Text(7));
  s.restored_by = r.Text(8);
  return s;
}

}  // namespace

absl::StatusOr<std::vector<InsuredInArrears>> SuspensionStore::InArrears(storage::Transaction& tx,
                                                                         absl::string_view program,
                                                                         absl::CivilDay cutoff, absl::CivilDay today,
                                                                         absl::string_view after, int limit) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT c.registration_number, MIN(c.region), MIN(c.due_date), MIN(c.period), "
               "SUM(c.amount_centimes - c.paid_centimes) FROM calls c "
               "WHERE c.program = $1 AND c.payer = 'INSURED' AND c.paid_centimes < c.amount_centimes "
               "AND c.due_date < $2 AND c.registration_number > $3 AND NOT EXISTS (SELECT 1 FROM suspensions s "
               "WHERE s.registration_number = c.registration_number AND s.program = c.program "
               "AND s.restored_from IS NULL) "
               "GROUP BY c.registration_number HAVING MIN(c.due_date) <= $4 ORDER BY c.registration_number LIMIT $5",
               {program, FormatDay(today), after, FormatDay(cutoff), limit}));
  std::vector<InsuredInArrears> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) {
    out.push_back({r.Text(0), r.Text(1), ParseDay(r.Text(2)).value_or(absl::CivilDay()),
                   ParsePeriod(r.Text(3)).value_or(absl::CivilMonth()), r.Int(4)});
  }
  return out;
}

absl::StatusOr<bool> SuspensionStore::Insert(storage::Transaction& tx, const Suspension& s) {
  ASSIGN_OR_RETURN(int64_t inserted,
                   tx.Execute("INSERT INTO suspensions (registration_number, program, from_date, arrears_centimes, "
                              "oldest_unpaid_period, region, suspended_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                              "ON CONFLICT DO NOTHING",
                              {s.registration_number, s.program, FormatDay(s.from_date), s.arrears_centimes,
                               FormatPeriod(s.oldest_unpaid_period), s.region, absl::ToUnixMicros(s.suspended_at)}));
  return inserted > 0;
}

absl::StatusOr<std::vector<Suspension>> SuspensionStore::OpenOf(storage::Transaction& tx,
                                                                absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                    " FROM suspensions WHERE registration_number = $1 "
                                                    "AND restored_from IS NULL ORDER BY program"),
                                       {registration_number}));
  std::vector<Suspension> out;
  for (const storage::Row& r : rows) out.push_back(ReadSuspension(r));
  return out;
}

absl::StatusOr<bool> SuspensionStore::HasUnpaidDueBy(storage::Transaction& tx, absl::string_view registration_number,
                                                     absl::string_view program, absl::CivilDay cutoff) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM calls WHERE registration_number = $1 AND program = $2 "
                                       "AND payer = 'INSURED' AND paid_centimes < amount_centimes AND due_date <= $3 "
                                       "LIMIT 1",
                                       {registration_number, program, FormatDay(cutoff)}));
  return !rows.empty();
}

absl::StatusOr<bool> SuspensionStore::Restore(storage::Transaction& tx, const Suspension& s, absl::CivilDay from,
                                              absl::string_view payment_id, absl::Time at) {
  ASSIGN_OR_RETURN(int64_t restored,
                   tx.Execute("UPDATE suspensions SET restored_from = $1, restored_by = $2, restored_at_us = $3 "
                              "WHERE registration_number = $4 AND program = $5 AND from_date = $6 "
                              "AND restored_from IS NULL",
                              {FormatDay(from), payment_id, absl::ToUnixMicros(at), s.registration_number, s.program,
                               FormatDay(s.from_date)}));
  return restored > 0;
}

}  // namespace himaya::contributions
