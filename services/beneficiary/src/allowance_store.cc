#include "beneficiary/src/allowance_store.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/allowance_rules.h"
#include "beneficiary/src/insured_store.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::beneficiary {
namespace {

constexpr char kRunColumns[] =
    "run_id, month, state, generation, cursor, complete, created_by, created_at_us, computed_at_us, approved_by, "
    "approved_at_us, pay_cursor, paid_at_us";

std::optional<absl::Time> OptionalTime(const storage::Row& r, size_t column) {
  if (r.IsNull(column)) return std::nullopt;
  return absl::FromUnixMicros(r.Int(column));
}

AllowanceRunRecord ReadRun(const storage::Row& r) {
  AllowanceRunRecord run;
  run.run_id = r.Text(0);
  run.month = ParseMonth(r.Text(1)).value_or(absl::CivilMonth());
  run.state = r.Text(2);
  run.generation = r.Int(3);
  run.cursor = r.Text(4);
  run.complete = r.Int(5) != 0;
  run.created_by = r.Text(6);
  run.created_at = absl::FromUnixMicros(r.Int(7));
  run.computed_at = OptionalTime(r, 8);
  run.approved_by = r.Text(9);
  run.approved_at = OptionalTime(r, 10);
  run.pay_cursor = r.Text(11);
  run.paid_at = OptionalTime(r, 12);
  return run;
}

absl::StatusOr<std::optional<AllowanceRunRecord>> FindRunWhere(storage::Transaction& tx, absl::string_view where,
                                                               storage::Params params) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kRunColumns, " FROM allowance_runs WHERE ", where), params));
  if (rows.empty()) return std::nullopt;
  return ReadRun(rows[0]);
}

constexpr char kHouseholdColumns[] =
    "registration_number, region, children_with_right, amount_centimes, arrears_centimes, recovery_centimes, reason, "
    "line, method, account, status, bank_reason";

AllowanceLine ReadHousehold(const storage::Row& r) {
  AllowanceLine h;
  h.registration_number = r.Text(0);
  h.region = r.Text(1);
  h.children_with_right = r.Int(2);
  h.amount_centimes = r.Int(3);
  h.arrears_centimes = r.Int(4);
  h.recovery_centimes = r.Int(5);
  h.reason = r.Text(6);
  if (!r.IsNull(7)) h.line = r.Int(7);
  h.method = r.Text(8);
  h.account = r.Text(9);
  h.status = r.Text(10);
  h.bank_reason = r.Text(11);
  return h;
}

absl::StatusOr<std::vector<AllowanceLine>> HouseholdsWhere(storage::Transaction& tx, absl::string_view where,
                                                           absl::string_view order, storage::Params params) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kHouseholdColumns, " FROM allowance_households WHERE ",
                                                    where, " ORDER BY ", order),
                                       params));
  std::vector<AllowanceLine> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadHousehold(r));
  return out;
}

}  // namespace

absl::Status AllowanceStore::InsertRun(storage::Transaction& tx, const AllowanceRunRecord& run) {
  return tx
      .Execute(
          "INSERT INTO allowance_runs (run_id, month, state, generation, cursor, complete, created_by, "
          "created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {run.run_id, FormatMonth(run.month), run.state, run.generation, run.cursor, run.complete, run.created_by,
           absl::ToUnixMicros(run.created_at)})
      .status();
}

absl::StatusOr<std::optional<AllowanceRunRecord>> AllowanceStore::FindRun(storage::Transaction& tx,
                                                                          absl::string_view run_id) {
  return FindRunWhere(tx, "run_id = $1", {run_id});
}

absl::StatusOr<std::optional<AllowanceRunRecord>> AllowanceStore::FindRunOfMonth(storage::Transaction& tx,
                                                                                 absl::CivilMonth month) {
  return FindRunWhere(tx, "month = $1", {FormatMonth(month)});
}

absl::StatusOr<std::vector<std::string>> AllowanceStore::UnfinishedDrafts(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT run_id FROM allowance_runs WHERE state = $1 AND complete = 0 "
                                       "ORDER BY month",
                                       {kRunDraft}));
  std::vector<std::string> out;
  for (const storage::Row& r : rows) out.push_back(r.Text(0));
  return out;
}

absl::StatusOr<std::optional<AllowanceRunRecord>> AllowanceStore::LastPaidRun(storage::Transaction& tx) {
  return FindRunWhere(tx, "state = $1 ORDER BY month DESC LIMIT 1", {kRunPaid});
}

absl::StatusOr<std::optional<AllowanceRunRecord>> AllowanceStore::RunInPaymentBesides(storage::Transaction& tx,
                                                                                      absl::CivilMonth month) {
  return FindRunWhere(tx, "state IN ($1, $2) AND month <> $3 ORDER BY month LIMIT 1",
                      {kRunApproved, kRunInPayment, FormatMonth(month)});
}

absl::StatusOr<std::optional<AllowanceRunRecord>> AllowanceStore::LatestApprovedRun(storage::Transaction& tx) {
  return FindRunWhere(tx, "state IN ($1, $2, $3) ORDER BY month DESC LIMIT 1", {kRunApproved, kRunInPayment, kRunPaid});
}

absl::StatusOr<std::optional<AllowanceRunRecord>> AllowanceStore::RunPaidLast(storage::Transaction& tx) {
  return FindRunWhere(tx, "paid_at_us IS NOT NULL ORDER BY paid_at_us DESC LIMIT 1", {});
}

absl::StatusOr<bool> AllowanceStore::Restart(storage::Transaction& tx, absl::string_view run_id, int64_t generation,
                                             absl::Time at) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE allowance_runs SET generation = $2, cursor = '', complete = 0, "
                              "computed_at_us = NULL, created_at_us = $3 WHERE run_id = $1 AND state = $4",
                              {run_id, generation, absl::ToUnixMicros(at), kRunDraft}));
  if (changed == 0) return false;
  RETURN_IF_ERROR(tx.Execute("DELETE FROM allowance_arrears WHERE run_id = $1", {run_id}).status());
  RETURN_IF_ERROR(tx.Execute("DELETE FROM allowance_households WHERE run_id = $1", {run_id}).status());
  return true;
}

absl::StatusOr<bool> AllowanceStore::Advance(storage::Transaction& tx, absl::string_view run_id, int64_t generation,
                                             absl::string_view from, absl::string_view to, bool complete,
                                             absl::Time at) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE allowance_runs SET cursor = $4, complete = $5, computed_at_us = $6 "
                              "WHERE run_id = $1 AND generation = $2 AND cursor = $3 AND complete = 0 AND state = $7",
                              {run_id, generation, from, to, complete,
                               complete ? storage::Value(absl::ToUnixMicros(at)) : storage::Value(), kRunDraft}));
  return changed > 0;
}

absl::StatusOr<bool> AllowanceStore::MoveState(storage::Transaction& tx, absl::string_view run_id,
                                               absl::string_view from, absl::string_view to, absl::Time at) {
  absl::StatusOr<int64_t> changed;
  if (to == kRunPaid) {
    changed = tx.Execute("UPDATE allowance_runs SET state = $3, paid_at_us = $4 WHERE run_id = $1 AND state = $2",
                         {run_id, from, to, absl::ToUnixMicros(at)});
  } else {
    changed = tx.Execute("UPDATE allowance_runs SET state = $3 WHERE run_id = $1 AND state = $2", {run_id, from, to});
  }
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

absl::StatusOr<bool> AllowanceStore::ApproveDraft(storage::Transaction& tx, absl::string_view run_id,
                                                  int64_t generation, absl::string_view agent, absl::Time at) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE allowance_runs SET state = $3, approved_by = $4, approved_at_us = $5 "
                              "WHERE run_id = $1 AND generation = $2 AND complete = 1 AND state = $6",
                              {run_id, generation, kRunApproved, agent, absl::ToUnixMicros(at), kRunDraft}));
  return changed > 0;
}

absl::StatusOr<bool> AllowanceStore::MovePayCursor(storage::Transaction& tx, absl::string_view run_id,
                                                   absl::string_view from, absl::string_view to) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE allowance_runs SET pay_cursor = $3 WHERE run_id = $1 AND pay_cursor = $2 "
                              "AND state = $4",
                              {run_id, from, to, kRunApproved}));
  return changed > 0;
}

absl::Status AllowanceStore::InsertHouseholds(storage::Transaction& tx, absl::string_view run_id,
                                              const std::vector<AllowanceLine>& households,
                                              const std::vector<Arrears>& arrears) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(households.size());
  for (const AllowanceLine& h : households) {
    rows.push_back({run_id, h.registration_number, h.region, h.children_with_right, h.amount_centimes,
                    h.arrears_centimes, h.recovery_centimes, h.reason});
  }
  RETURN_IF_ERROR(storage::InsertRows(tx, "allowance_households",
                                      {"run_id", "registration_number", "region", "children_with_right",
                                       "amount_centimes", "arrears_centimes", "recovery_centimes", "reason"},
                                      rows)
                      .status());
  std::vector<std::vector<storage::Value>> months;
  months.reserve(arrears.size());
  for (const Arrears& a : arrears) months.push_back({run_id, a.registration_number, FormatMonth(a.month), a.centimes});
  return storage::InsertRows(tx, "allowance_arrears", {"run_id", "registration_number", "month", "centimes"}, months)
      .status();
}

absl::StatusOr<std::vector<AllowanceLine>> AllowanceStore::Households(storage::Transaction& tx,
                                                                      absl::string_view run_id, absl::string_view after,
                                                                      int limit) {
  return HouseholdsWhere(tx, "run_id = $1 AND registration_number > $2", "registration_number LIMIT $3",
                         {run_id, after, limit});
}

absl::StatusOr<std::vector<AllowanceLine>> AllowanceStore::Lines(storage::Transaction& tx, absl::string_view run_id,
                                                                 int64_t after_line, int limit) {
  return HouseholdsWhere(tx, "run_id = $1 AND line > $2", "line LIMIT $3", {run_id, after_line, limit});
}

absl::StatusOr<std::optional<AllowanceLine>> AllowanceStore::Line(storage::Transaction& tx, absl::string_view run_id,
                                                                  int64_t line) {
  ASSIGN_OR_RETURN(auto found, HouseholdsWhere(tx, "run_id = $1 AND line = $2", "line", {run_id, line}));
  if (found.empty()) return std::nullopt;
  return std::move(found[0]);
}

absl::StatusOr<std::vector<AllowanceStore::Arrears>> AllowanceStore::ArrearsOf(
    storage::Transaction& tx, absl::string_view run_id, const std::vector<std::string>& numbers) {
  std::vector<Arrears> out;
  if (numbers.empty()) return out;
  std::vector<storage::Value> params = {run_id};
  for (const std::string& n : numbers) params.push_back(n);
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT registration_number, month, centimes FROM allowance_arrears "
                                         "WHERE run_id = $1 AND registration_number IN (",
                                         Placeholders(2, numbers.size()), ") ORDER BY registration_number, month"),
                            params));
  for (const storage::Row& r : rows) {
    out.push_back({r.Text(0), ParseMonth(r.Text(1)).value_or(absl::CivilMonth()), r.Int(2)});
  }
  return out;
}

absl::StatusOr<AllowanceTotals> AllowanceStore::Totals(storage::Transaction& tx, absl::string_view run_id) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(
          "SELECT COUNT(*), "
          "COALESCE(SUM(CASE WHEN amount_centimes + arrears_centimes - recovery_centimes > 0 THEN 1 ELSE 0 END), 0), "
          "COALESCE(SUM(children_with_right), 0), COALESCE(SUM(amount_centimes), 0), "
          "COALESCE(SUM(arrears_centimes), 0), COALESCE(SUM(recovery_centimes), 0), "
          "COALESCE(SUM(CASE WHEN line IS NOT NULL THEN 1 ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN status = 'PAID' THEN 1 ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN status = 'PENDING' THEN 1 ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN reason = 'NO_PAYMENT_MODE' THEN 1 ELSE 0 END), 0) "
          "FROM allowance_households WHERE run_id = $1",
          {run_id}));
  const storage::Row& r = rows.at(0);
  AllowanceTotals t;
  t.households = r.Int(0);
  t.households_with_amount = r.Int(1);
  t.children_with_right = r.Int(2);
  t.amount_centimes = r.Int(3);
  t.arrears_centimes = r.Int(4);
  t.recovery_centimes = r.Int(5);
  t.net_centimes = t.amount_centimes + t.arrears_centimes - t.recovery_centimes;
  t.lines = r.Int(6);
  t.lines_paid = r.Int(7);
  t.lines_failed = r.Int(8);
  t.lines_pending = r.Int(9);
  t.no_payment_mode = r.Int(10);
  return t;
}

absl::StatusOr<int64_t> AllowanceStore::LastLine(storage::Transaction& tx, absl::string_view run_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT COALESCE(MAX(line), 0) FROM allowance_households WHERE run_id = $1", {run_id}));
  return rows.at(0).Int(0);
}

absl::Status AllowanceStore::SetLine(storage::Transaction& tx, absl::string_view run_id, const AllowanceLine& h) {
  return tx
      .Execute(
          "UPDATE allowance_households SET line = $3, method = $4, account = $5, status = $6 "
          "WHERE run_id = $1 AND registration_number = $2",
          {run_id, h.registration_number, h.line ? storage::Value(*h.line) : storage::Value(), h.method, h.account,
           h.status})
      .status();
}

absl::Status AllowanceStore::SetOutcome(storage::Transaction& tx, absl::string_view run_id,
                                        absl::string_view registration_number, absl::string_view reason,
                                        absl::string_view status, absl::string_view bank_reason) {
  return tx
      .Execute(
          "UPDATE allowance_households SET reason = $3, status = $4, bank_reason = $5 "
          "WHERE run_id = $1 AND registration_number = $2",
          {run_id, registration_number, reason, status, bank_reason})
      .status();
}

absl::StatusOr<bool> AllowanceStore::ConfirmLine(storage::Transaction& tx, absl::string_view run_id,
                                                 absl::string_view registration_number, absl::string_view reason,
                                                 absl::string_view status, absl::string_view bank_reason) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE allowance_households SET reason = $3, status = $4, bank_reason = $5 "
                              "WHERE run_id = $1 AND registration_number = $2 AND status = $6",
                              {run_id, registration_number, reason, status, bank_reason, kLinePending}));
  return changed > 0;
}

absl::StatusOr<std::vector<AllowancePaidGroup>> AllowanceStore::PaidByRegion(storage::Transaction& tx,
                                                                             absl::string_view run_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT region, COUNT(*), COALESCE(SUM(children_with_right), 0), "
                                       "COALESCE(SUM(amount_centimes + arrears_centimes - recovery_centimes), 0) "
                                       "FROM allowance_households WHERE run_id = $1 AND status = $2 "
                                       "GROUP BY region ORDER BY region",
                                       {run_id, kLinePaid}));
  std::vector<AllowancePaidGroup> out;
  for (const storage::Row& r : rows) out.push_back({r.Text(0), r.Int(1), r.Int(2), r.Int(3)});
  return out;
}

absl::StatusOr<std::map<std::string, std::map<absl::CivilMonth, int64_t>>> AllowanceStore::CreditsBetween(
    storage::Transaction& tx, absl::string_view first, absl::string_view last) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, month, credited_centimes FROM allowance_credits "
                                       "WHERE registration_number >= $1 AND registration_number <= $2",
                                       {first, last}));
  std::map<std::string, std::map<absl::CivilMonth, int64_t>> out;
  for (const storage::Row& r : rows) {
    if (auto month = ParseMonth(r.Text(1))) out[r.Text(0)][*month] = r.Int(2);
  }
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> AllowanceStore::RecoveredBetween(storage::Transaction& tx,
                                                                                absl::string_view first,
                                                                                absl::string_view last) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, recovered_centimes FROM allowance_recoveries "
                                       "WHERE registration_number >= $1 AND registration_number <= $2",
                                       {first, last}));
  std::map<std::string, int64_t> out;
  for (const storage::Row& r : rows) out[r.Text(0)] = r.Int(1);
  return out;
}

absl::Status AllowanceStore::Credit(storage::Transaction& tx, absl::string_view registration_number,
                                    absl::CivilMonth month, int64_t centimes) {
  return tx
      .Execute(
          "INSERT INTO allowance_credits (registration_number, month, credited_centimes) VALUES ($1, $2, $3) "
          "ON CONFLICT (registration_number, month) "
          "DO UPDATE SET credited_centimes = allowance_credits.credited_centimes + excluded.credited_centimes",
          {registration_number, FormatMonth(month), centimes})
      .status();
}

absl::Status AllowanceStore::AddRecovered(storage::Transaction& tx, absl::string_view registration_number,
                                          int64_t centimes) {
  return tx
      .Execute(
          "INSERT INTO allowance_recoveries (registration_number, recovered_centimes) VALUES ($1, $2) "
          "ON CONFLICT (registration_number) "
          "DO UPDATE SET recovered_centimes = allowance_recoveries.recovered_centimes + excluded.recovered_centimes",
          {registration_number, centimes})
      .status();
}

}  // namespace himaya::beneficiary
