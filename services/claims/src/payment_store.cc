#include "claims/src/payment_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::claims {
namespace {

// Lines confirmed PAID per statement: a fixed count of parameters (the last line repeated to fill
// them), so that one prepared statement serves every chunk.
constexpr size_t kLinesPerStatement = 256;

// The files of a run's lines that the bank confirmed `status`, as a subquery on $1 (the run).
std::string ClaimsOfLines(LineStatus status) {
  return absl::StrCat(
      "SELECT p.claim_id FROM payment_line_claims p JOIN payment_lines l ON l.run_id = p.run_id AND l.line = p.line "
      "WHERE p.run_id = $1 AND l.status = '",
      LineStatusName(status), "'");
}

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

constexpr char kRunColumns[] = "run_id, run_date, state, created_by, created_at_us, confirmed_at_us";

PaymentRun ReadRun(const storage::Row& r) {
  PaymentRun run;
  run.run_id = r.Text(0);
  run.date = ParseDay(r.Text(1)).value_or(absl::CivilDay());
  run.state = r.Text(2) == RunStateName(RunState::kConfirmed) ? RunState::kConfirmed : RunState::kOpen;
  run.created_by = r.Text(3);
  run.created_at = absl::FromUnixMicros(r.Int(4));
  if (!r.IsNull(5)) run.confirmed_at = absl::FromUnixMicros(r.Int(5));
  return run;
}

absl::StatusOr<std::optional<PaymentRun>> FindRunWhere(storage::Transaction& tx, absl::string_view where,
                                                       const storage::Value& key) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kRunColumns, " FROM payment_runs WHERE ", where, " = $1"), {key}));
  if (rows.empty()) return std::nullopt;
  PaymentRun run = ReadRun(rows[0]);
  ASSIGN_OR_RETURN(auto figures,
                   tx.Query("SELECT COUNT(*), COALESCE(SUM(claims), 0), COALESCE(SUM(amount_centimes), 0), "
                            "COALESCE(SUM(CASE WHEN status = 'PAID' THEN 1 ELSE 0 END), 0), "
                            "COALESCE(SUM(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END), 0) "
                            "FROM payment_lines WHERE run_id = $1",
                            {run.run_id}));
  const storage::Row& f = figures.at(0);
  run.insured = f.Int(0);
  run.claims = f.Int(1);
  run.total_centimes = f.Int(2);
  run.lines_paid = f.Int(3);
  run.lines_failed = f.Int(4);
  return run;
}

RunClaim ReadRunClaim(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), absl::FromUnixMicros(r.Int(5))};
}

}  // namespace

absl::string_view RunStateName(RunState state) { return state == RunState::kConfirmed ? "CONFIRMED" : "OPEN"; }

absl::Status PaymentStore::InsertRun(storage::Transaction& tx, const PaymentRun& run) {
  return tx
      .Execute(
          "INSERT INTO payment_runs (run_id, run_date, state, created_by, created_at_us) "
          "VALUES ($1, $2, $3, $4, $5)",
          {run.run_id, absl::FormatCivilTime(run.date), RunStateName(RunState::kOpen), run.created_by,
           absl::ToUnixMicros(run.created_at)})
      .status();
}

absl::StatusOr<std::optional<PaymentRun>> PaymentStore::FindRun(storage::Transaction& tx, absl::string_view run_id) {
  return FindRunWhere(tx, "run_id", run_id);
}

absl::StatusOr<std::optional<PaymentRun>> PaymentStore::FindRunOfDate(storage::Transaction& tx, absl::CivilDay date) {
  return FindRunWhere(tx, "run_date", absl::FormatCivilTime(date));
}

absl::StatusOr<std::vector<RunClaim>> PaymentStore::TakePayableClaims(storage::Transaction& tx,
                                                                      absl::string_view run_id) {
  // The update comes first: on PostgreSQL a file another run takes meanwhile is re-checked by
  // its WHERE once that run commits, so no file is put in two runs.
  RETURN_IF_ERROR(tx.Execute("UPDATE claims SET state = 'IN_PAYMENT', payment_run_id = $1 "
                             "WHERE state = 'DECIDED' AND payment_run_id = '' AND reimbursed_centimes > 0",
                             {run_id})
                      .status());
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT claim_id, registration_number, program, reimbursed_centimes, 0, "
                                       "received_at_us FROM claims WHERE state = 'IN_PAYMENT' AND payment_run_id = $1 "
                                       "ORDER BY registration_number, claim_id",
                                       {run_id}));
  std::vector<RunClaim> claims;
  claims.reserve(rows.size());
  for (const storage::Row& r : rows) claims.push_back(ReadRunClaim(r));
  return claims;
}

absl::Status PaymentStore::InsertLines(storage::Transaction& tx, absl::string_view run_id,
                                       const std::vector<PaymentLine>& lines, const std::vector<RunClaim>& claims) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(lines.size());
  for (const PaymentLine& l : lines) {
    rows.push_back({run_id, l.line, l.registration_number, l.claims, l.amount_centimes});
  }
  RETURN_IF_ERROR(storage::InsertRows(tx, "payment_lines",
                                      {"run_id", "line", "registration_number", "claims", "amount_centimes"}, rows)
                      .status());
  rows.clear();
  rows.reserve(claims.size());
  for (const RunClaim& c : claims) rows.push_back({run_id, c.line, c.claim_id, c.amount_centimes});
  return storage::InsertRows(tx, "payment_line_claims", {"run_id", "line", "claim_id", "amount_centimes"}, rows)
      .status();
}

absl::StatusOr<std::vector<PaymentLine>> PaymentStore::Lines(storage::Transaction& tx, absl::string_view run_id,
                                                             int64_t after_line, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT line, registration_number, claims, amount_centimes, status, reason "
                                       "FROM payment_lines WHERE run_id = $1 AND line > $2 ORDER BY line LIMIT $3",
                                       {run_id, after_line, limit}));
  std::vector<PaymentLine> lines;
  lines.reserve(rows.size());
  for (const storage::Row& r : rows) {
    lines.push_back({r.Int(0), r.Text(1), r.Int(2), r.Int(3), LineStatusNamed(r.Text(4)).value_or(LineStatus::kPending),
                     r.Text(5)});
  }
  return lines;
}

absl::Status PaymentStore::MarkLinesPaid(storage::Transaction& tx, absl::string_view run_id,
                                         const std::vector<int64_t>& paid, absl::Time at) {
  std::vector<std::string> placeholders;
  for (size_t i = 0; i < kLinesPerStatement; ++i) placeholders.push_back(absl::StrCat("$", i + 3));
  const std::string sql = absl::StrCat(
      "UPDATE payment_lines SET status = 'PAID', confirmed_at_us = $2 WHERE run_id = $1 AND status = 'PENDING' "
      "AND line IN (",
      absl::StrJoin(placeholders, ", "), ")");
  for (size_t from = 0; from < paid.size(); from += kLinesPerStatement) {
    std::vector<storage::Value> params = {run_id, absl::ToUnixMicros(at)};
    for (size_t i = 0; i < kLinesPerStatement; ++i) params.emplace_back(paid[std::min(from + i, paid.size() - 1)]);
    RETURN_IF_ERROR(tx.Execute(sql, params).status());
  }
  return absl::OkStatus();
}

absl::Status PaymentStore::MarkLineFailed(storage::Transaction& tx, absl::string_view run_id, int64_t line,
                                          absl::string_view reason, absl::Time at) {
  return tx
      .Execute(
          "UPDATE payment_lines SET status = 'FAILED', reason = $3, confirmed_at_us = $4 "
          "WHERE run_id = $1 AND line = $2 AND status = 'PENDING'",
          {run_id, line, reason, absl::ToUnixMicros(at)})
      .status();
}

absl::StatusOr<std::vector<RunClaim>> PaymentStore::SettlePaidClaims(storage::Transaction& tx, absl::string_view run_id,
                                                                     absl::Time at) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT c.claim_id, c.registration_number, c.program, p.amount_centimes, "
                                       "p.line, c.received_at_us FROM payment_line_claims p "
                                       "JOIN payment_lines l ON l.run_id = p.run_id AND l.line = p.line "
                                       "JOIN claims c ON c.claim_id = p.claim_id "
                                       "WHERE p.run_id = $1 AND l.status = 'PAID' AND c.state = 'IN_PAYMENT' "
                                       "AND c.payment_run_id = $1 ORDER BY p.line, c.claim_id",
                                       {run_id}));
  std::vector<RunClaim> paid;
  paid.reserve(rows.size());
  for (const storage::Row& r : rows) paid.push_back(ReadRunClaim(r));
  RETURN_IF_ERROR(tx.Execute(absl::StrCat("UPDATE claims SET state = 'PAID', paid_at_us = $2, settled_at_us = $2 "
                                          "WHERE state = 'IN_PAYMENT' AND payment_run_id = $1 AND claim_id IN (",
                                          ClaimsOfLines(LineStatus::kPaid), ")"),
                             {run_id, absl::ToUnixMicros(at)})
                      .status());
  return paid;
}

absl::StatusOr<int64_t> PaymentStore::ReturnFailedClaims(storage::Transaction& tx, absl::string_view run_id) {
  return tx.Execute(absl::StrCat("UPDATE claims SET state = 'DECIDED', payment_run_id = '' "
                                 "WHERE state = 'IN_PAYMENT' AND payment_run_id = $1 AND claim_id IN (",
                                 ClaimsOfLines(LineStatus::kFailed), ")"),
                    {run_id});
}

absl::StatusOr<bool> PaymentStore::ConfirmRunIfComplete(storage::Transaction& tx, absl::string_view run_id,
                                                        absl::Time at) {
  RETURN_IF_ERROR(tx.Execute("UPDATE payment_runs SET state = 'CONFIRMED', confirmed_at_us = $2 "
                             "WHERE run_id = $1 AND state = 'OPEN' AND NOT EXISTS "
                             "(SELECT 1 FROM payment_lines WHERE run_id = $1 AND status = 'PENDING')",
                             {run_id, absl::ToUnixMicros(at)})
                      .status());
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT state FROM payment_runs WHERE run_id = $1", {run_id}));
  return !rows.empty() && rows[0].Text(0) == RunStateName(RunState::kConfirmed);
}

}  // namespace himaya::claims
