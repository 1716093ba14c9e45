#include "contributions/src/call_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::contributions {
namespace {

constexpr char kColumns[] =
    "registration_number, program, period, payer, category, region, amount_centimes, paid_centimes, due_date, "
    "called_at_us";
// Rows per INSERT statement (10 parameters each, well under either backend's limit).
constexpr size_t kRowsPerInsert = 200;

Call ReadCall(const storage::Row& r) {
  Call c;
  c.registration_number = r.Text(0);
  c.program = r.Text(1);
  c.period = ParsePeriod(r.Text(2)).value_or(absl::CivilMonth());
  c.payer = ParsePayer(r.Text(3)).value_or(Payer::kInsured);
  c.category = r.Text(4);
  c.region = r.Text(5);
  c.amount_centimes = r.Int(6);
  c.paid_centimes = r.Int(7);
  c.due_date = ParseDay(r.Text(8)).value_or(absl::CivilDay());
  c.called_at = absl::FromUnixMicros(r.Int(9));
  return c;
}

std::string Placeholders(size_t first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i == 0 ? "$" : ", $", first + i);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Call>> CallStore::InsertNew(storage::Transaction& tx, const std::vector<Call>& calls) {
  std::vector<Call> inserted;
  for (size_t start = 0; start < calls.size(); start += kRowsPerInsert) {
    const size_t end = std::min(calls.size(), start + kRowsPerInsert);
    std::string sql = absl::StrCat("INSERT INTO calls (", kColumns, ") VALUES ");
    std::vector<storage::Value> params;
    params.reserve((end - start) * 10);
    for (size_t i = start; i < end; ++i) {
      const Call& c = calls[i];
      absl::StrAppend(&sql, i == start ? "(" : ", (", Placeholders(params.size() + 1, 10), ")");
      params.insert(params.end(), {c.registration_number, c.program, FormatPeriod(c.period),
                                   std::string(PayerName(c.payer)), c.category, c.region, c.amount_centimes,
                                   c.paid_centimes, FormatDay(c.due_date), absl::ToUnixMicros(c.called_at)});
    }
    absl::StrAppend(&sql, " ON CONFLICT (registration_number, program, period) DO NOTHING RETURNING ", kColumns);
    ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
    for (const storage::Row& r : rows) inserted.push_back(ReadCall(r));
  }
  return inserted;
}

absl::StatusOr<std::vector<std::string>> CallStore::CalledBetween(storage::Transaction& tx, absl::string_view program,
                                                                  absl::CivilMonth period, absl::string_view first,
                                                                  absl::string_view last) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number FROM calls WHERE period = $1 AND program = $2 "
                                       "AND registration_number >= $3 AND registration_number <= $4",
                                       {FormatPeriod(period), program, first, last}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(r.Text(0));
  return out;
}

absl::StatusOr<PeriodTotals> CallStore::Totals(storage::Transaction& tx, absl::CivilMonth period,
                                               const std::vector<std::string>& programs) {
  PeriodTotals totals;
  if (programs.empty()) return totals;
  std::vector<storage::Value> params{FormatPeriod(period)};
  params.insert(params.end(), programs.begin(), programs.end());
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT payer, COUNT(*), COALESCE(SUM(amount_centimes), 0) "
                                                    "FROM calls WHERE period = $1 AND program IN (",
                                                    Placeholders(2, programs.size()), ") GROUP BY payer"),
                                       params));
  for (const storage::Row& r : rows) {
    totals.calls += r.Int(1);
    (r.Text(0) == PayerName(Payer::kState) ? totals.billed_to_state_centimes : totals.billed_to_insured_centimes) +=
        r.Int(2);
  }
  return totals;
}

absl::StatusOr<std::vector<Call>> CallStore::UnpaidOfForUpdate(storage::Transaction& tx,
                                                               absl::string_view registration_number) {
  // SQLite's write transactions (BEGIN IMMEDIATE) hold the whole database already.
  const char* lock = tx.dialect() == storage::Dialect::kPostgres ? " FOR UPDATE" : "";
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                    " FROM calls WHERE registration_number = $1 AND payer = $2 "
                                                    "AND paid_centimes < amount_centimes ORDER BY period, program",
                                                    lock),
                                       {registration_number, std::string(PayerName(Payer::kInsured))}));
  std::vector<Call> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadCall(r));
  return out;
}

absl::Status CallStore::LockUnpaidInNumberOrder(storage::Transaction& tx, std::vector<std::string> numbers) {
  if (tx.dialect() != storage::Dialect::kPostgres) return absl::OkStatus();
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  for (const std::string& number : numbers) RETURN_IF_ERROR(UnpaidOfForUpdate(tx, number).status());
  return absl::OkStatus();
}

absl::Status CallStore::SetPaid(storage::Transaction& tx, const Call& call, int64_t paid_centimes) {
  return tx
      .Execute("UPDATE calls SET paid_centimes = $1 WHERE registration_number = $2 AND program = $3 AND period = $4",
               {paid_centimes, call.registration_number, call.program, FormatPeriod(call.period)})
      .status();
}

absl::StatusOr<std::vector<Call>> CallStore::OfInsured(storage::Transaction& tx,
                                                       absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                    " FROM calls WHERE registration_number = $1 "
                                                    "ORDER BY period, program"),
                                       {registration_number}));
  std::vector<Call> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadCall(r));
  return out;
}

}  // namespace himaya::contributions
