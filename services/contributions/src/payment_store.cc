#include "contributions/src/payment_store.h"

#include "absl/strings/str_cat.h"
#include "contributions/src/contribution_rules.h"
#include "core/status_macros.h"

namespace himaya::contributions {

absl::StatusOr<std::optional<ImportedFile>> PaymentStore::FindFile(storage::Transaction& tx,
                                                                   absl::string_view file_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT sha256, rows_total, applied, unknown_insured, duplicate_payment, "
                                       "invalid, applied_centimes FROM payment_files WHERE file_id = $1",
                                       {file_id}));
  if (rows.empty()) return std::nullopt;
  const storage::Row& r = rows[0];
  ImportedFile file;
  file.sha256 = r.Text(0);
  file.result = {std::string(file_id), r.Int(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5), r.Int(6), true, {}};
  ASSIGN_OR_RETURN(auto not_applied,
                   tx.Query("SELECT row_number, payment_id, outcome, reason FROM payment_file_rows "
                            "WHERE file_id = $1 AND outcome <> 'APPLIED' ORDER BY row_number LIMIT $2",
                            {file_id, kMaxRowsListed}));
  for (const storage::Row& n : not_applied) {
    PaymentRow row;
    row.row = n.Int(0);
    row.payment_id = n.Text(1);
    const std::string outcome = n.Text(2);
    row.outcome = outcome == "UNKNOWN_INSURED"     ? RowOutcome::kUnknownInsured
                  : outcome == "DUPLICATE_PAYMENT" ? RowOutcome::kDuplicatePayment
                                                   : RowOutcome::kInvalid;
    row.reason = n.Text(3);
    file.result.not_applied.push_back(std::move(row));
  }
  return file;
}

absl::StatusOr<std::string> PaymentStore::BeginFile(storage::Transaction& tx, absl::string_view file_id,
                                                    absl::string_view sha256, absl::Time at) {
  RETURN_IF_ERROR(tx.Execute("INSERT INTO payment_file_starts (file_id, sha256, started_at_us) VALUES ($1, $2, $3) "
                             "ON CONFLICT (file_id) DO NOTHING",
                             {file_id, sha256, absl::ToUnixMicros(at)})
                      .status());
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT sha256 FROM payment_file_starts WHERE file_id = $1", {file_id}));
  if (rows.empty()) return absl::InternalError("payment_file_starts: the row just written is missing");
  return rows[0].Text(0);
}

absl::Status PaymentStore::InsertFile(storage::Transaction& tx, absl::string_view sha256, const ImportResult& r,
                                      absl::Time imported_at) {
  return tx
      .Execute(
          "INSERT INTO payment_files (file_id, sha256, rows_total, applied, unknown_insured, duplicate_payment, "
          "invalid, applied_centimes, imported_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {r.file_id, sha256, r.rows, r.applied, r.unknown_insured, r.duplicate_payment, r.invalid, r.applied_centimes,
           absl::ToUnixMicros(imported_at)})
      .status();
}

absl::Status PaymentStore::InsertRows(storage::Transaction& tx, absl::string_view file_id,
                                      const std::vector<PaymentRow>& rows) {
  for (const PaymentRow& row : rows) {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO payment_file_rows (file_id, row_number, payment_id, outcome, reason) "
                               "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (file_id, row_number) DO NOTHING",
                               {file_id, row.row, row.payment_id, RowOutcomeName(row.outcome), row.reason})
                        .status());
  }
  return absl::OkStatus();
}

namespace {

constexpr char kPaymentColumns[] =
    "payment_id, registration_number, amount_centimes, unapplied_centimes, paid_on, file_id, row_number, "
    "applied_at_us";

Payment ReadPayment(const storage::Row& r) {
  return Payment{r.Text(0),
                 r.Text(1),
                 r.Int(2),
                 r.Int(3),
                 ParseDay(r.Text(4)).value_or(absl::CivilDay()),
                 r.Text(5),
                 r.Int(6),
                 absl::FromUnixMicros(r.Int(7))};
}

}  // namespace

absl::StatusOr<std::optional<Payment>> PaymentStore::FindPayment(storage::Transaction& tx,
                                                                 absl::string_view payment_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kPaymentColumns, " FROM payments WHERE payment_id = $1"),
                                       {payment_id}));
  if (rows.empty()) return std::nullopt;
  return ReadPayment(rows[0]);
}

absl::StatusOr<std::vector<Payment>> PaymentStore::WithCreditForUpdate(storage::Transaction& tx,
                                                                       absl::string_view first,
                                                                       absl::string_view last) {
  // SQLite's write transactions (BEGIN IMMEDIATE) hold the whole database already.
  const char* lock = tx.dialect() == storage::Dialect::kPostgres ? " FOR UPDATE" : "";
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kPaymentColumns,
                                                    " FROM payments WHERE registration_number >= $1 "
                                                    "AND registration_number <= $2 AND unapplied_centimes > 0 "
                                                    "ORDER BY registration_number, paid_on, applied_at_us, payment_id",
                                                    lock),
                                       {first, last}));
  std::vector<Payment> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadPayment(r));
  return out;
}

absl::Status PaymentStore::SetUnapplied(storage::Transaction& tx, absl::string_view payment_id,
                                        int64_t unapplied_centimes) {
  return tx
      .Execute("UPDATE payments SET unapplied_centimes = $1 WHERE payment_id = $2", {unapplied_centimes, payment_id})
      .status();
}

absl::Status PaymentStore::InsertPayment(storage::Transaction& tx, const Payment& p) {
  return tx
      .Execute(
          "INSERT INTO payments (payment_id, registration_number, amount_centimes, unapplied_centimes, paid_on, "
          "file_id, row_number, applied_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {p.payment_id, p.registration_number, p.amount_centimes, p.unapplied_centimes, FormatDay(p.paid_on),
           p.file_id, p.row, absl::ToUnixMicros(p.applied_at)})
      .status();
}

absl::StatusOr<int64_t> PaymentStore::Credit(storage::Transaction& tx, absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(SUM(unapplied_centimes), 0) FROM payments "
                                       "WHERE registration_number = $1",
                                       {registration_number}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

}  // namespace himaya::contributions
