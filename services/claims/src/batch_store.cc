#include "claims/src/batch_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "claims/src/claim.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::claims {
namespace {

constexpr char kBatchColumns[] =
    "sender, batch_id, sha256, record_count, state, rows_received, refusal, received_at_us, completed_at_us, "
    "lease_until_us";
constexpr char kStagedColumns[] =
    "sender, batch_id, row_number, claim_id, registration_number, filed_date, beneficiary_id, care_date, act_code, "
    "quantity, amount_paid_centimes, ald_certificate, invalid_field, registration_valid, filed_date_valid, rejection";
constexpr char kRowColumns[] =
    "row_number, claim_id, registration_number, filed_date, beneficiary_id, care_date, act_code, quantity, "
    "amount_paid_centimes, ald_certificate, invalid_field, registration_valid, filed_date_valid, rejection";

absl::CivilDay DayOf(const std::string& text) {
  absl::CivilDay day;
  return absl::ParseCivilTime(text, &day) ? day : absl::CivilDay();
}

// Reads the columns of kBatchColumns, in their order.
StoredBatch ReadBatch(const storage::Row& r) {
  size_t c = 0;
  StoredBatch b;
  b.sender = r.Text(c++);
  b.batch_id = r.Text(c++);
  b.sha256 = r.Text(c++);
  b.record_count = r.Int(c++);
  b.state = r.Text(c++);
  b.rows_received = r.Int(c++);
  b.refusal = r.Text(c++);
  b.received_at_us = r.Int(c++);
  if (!r.IsNull(c)) b.completed_at_us = r.Int(c);
  ++c;
  b.lease_until_us = r.Int(c++);
  return b;
}

// Reads the columns of kRowColumns, in their order.
StagedClaimRow ReadRow(const storage::Row& r) {
  size_t c = 0;
  StagedClaimRow s;
  s.row_number = r.Int(c++);
  s.claim_id = r.Text(c++);
  s.registration_number = r.Text(c++);
  s.filed_date = DayOf(r.Text(c++));
  s.item.beneficiary_id = r.Text(c++);
  s.item.care_date = DayOf(r.Text(c++));
  s.item.act_code = r.Text(c++);
  s.item.quantity = static_cast<int>(r.Int(c++));
  s.item.amount_paid_centimes = r.Int(c++);
  s.item.ald_certificate = r.Text(c++);
  s.item.invalid_field = r.Text(c++);
  s.registration_valid = r.Int(c++) != 0;
  s.filed_date_valid = r.Int(c++) != 0;
  s.rejection = r.Text(c++);
  return s;
}

const std::vector<std::string>& StagedColumnNames() {
  static const auto* const names = new std::vector<std::string>(absl::StrSplit(kStagedColumns, ", "));
  return *names;
}

}  // namespace

absl::StatusOr<std::optional<StoredBatch>> BatchStore::Find(storage::Transaction& tx, absl::string_view sender,
                                                            absl::string_view batch_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kBatchColumns,
                                                    " FROM claim_batches WHERE sender = $1 AND batch_id = $2"),
                                       {sender, batch_id}));
  if (rows.empty()) return std::nullopt;
  return ReadBatch(rows[0]);
}

absl::StatusOr<std::vector<std::string>> BatchStore::SendersOf(storage::Transaction& tx, absl::string_view batch_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT sender FROM claim_batches WHERE batch_id = $1 ORDER BY sender", {batch_id}));
  std::vector<std::string> senders;
  for (const storage::Row& r : rows) senders.push_back(r.Text(0));
  return senders;
}

absl::Status BatchStore::Insert(storage::Transaction& tx, const StoredBatch& b) {
  return tx
      .Execute(absl::StrCat("INSERT INTO claim_batches (", kBatchColumns,
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
               {b.sender, b.batch_id, b.sha256, b.record_count, b.state, b.rows_received, b.refusal, b.received_at_us,
                b.completed_at_us, b.lease_until_us})
      .status();
}

absl::Status BatchStore::Forget(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id) {
  RETURN_IF_ERROR(
      tx.Execute("DELETE FROM claim_batch_rows WHERE sender = $1 AND batch_id = $2", {sender, batch_id}).status());
  return tx.Execute("DELETE FROM claim_batches WHERE sender = $1 AND batch_id = $2", {sender, batch_id}).status();
}

absl::Status BatchStore::Stage(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                               const std::vector<StagedClaimRow>& rows) {
  std::vector<std::vector<storage::Value>> values;
  values.reserve(rows.size());
  for (const StagedClaimRow& s : rows) {
    values.push_back({sender, batch_id, s.row_number, s.claim_id, s.registration_number, FormatClaimDay(s.filed_date),
                      s.item.beneficiary_id, FormatClaimDay(s.item.care_date), s.item.act_code, s.item.quantity,
                      s.item.amount_paid_centimes, s.item.ald_certificate, s.item.invalid_field, s.registration_valid,
                      s.filed_date_valid, s.rejection});
  }
  return storage::InsertRows(tx, "claim_batch_rows", StagedColumnNames(), values).status();
}

absl::StatusOr<bool> BatchStore::RenewLease(storage::Transaction& tx, absl::string_view sender,
                                            absl::string_view batch_id, int64_t rows_received, int64_t lease_until_us) {
  ASSIGN_OR_RETURN(int64_t changed, tx.Execute("UPDATE claim_batches SET rows_received = $1, lease_until_us = $2 "
                                               "WHERE sender = $3 AND batch_id = $4 AND state = $5",
                                               {rows_received, lease_until_us, sender, batch_id, kBatchReceiving}));
  return changed == 1;
}

absl::Status BatchStore::Refuse(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                                absl::string_view refusal, int64_t rows_received) {
  RETURN_IF_ERROR(
      tx.Execute("DELETE FROM claim_batch_rows WHERE sender = $1 AND batch_id = $2", {sender, batch_id}).status());
  return tx
      .Execute(
          "UPDATE claim_batches SET state = $1, refusal = $2, rows_received = $3, lease_until_us = 0 "
          "WHERE sender = $4 AND batch_id = $5",
          {kBatchRefused, refusal, rows_received, sender, batch_id})
      .status();
}

absl::Status BatchStore::MarkDeciding(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                                      int64_t rows_received) {
  return tx
      .Execute(
          "UPDATE claim_batches SET state = $1, rows_received = $2, lease_until_us = 0 "
          "WHERE sender = $3 AND batch_id = $4",
          {kBatchDeciding, rows_received, sender, batch_id})
      .status();
}

absl::StatusOr<std::vector<StagedClaimRow>> BatchStore::RowsByFile(
    storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
    const std::optional<std::pair<std::string, int64_t>>& after, int limit) {
  std::string sql = absl::StrCat("SELECT ", kRowColumns,
                                 " FROM claim_batch_rows WHERE sender = $1 AND batch_id = $2 AND rejection = ''");
  std::vector<storage::Value> params = {sender, batch_id};
  if (after) {
    sql += " AND (claim_id > $3 OR (claim_id = $3 AND row_number > $4))";
    params.push_back(after->first);
    params.push_back(after->second);
  }
  absl::StrAppend(&sql, " ORDER BY claim_id, row_number LIMIT ", limit);
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<StagedClaimRow> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadRow(r));
  return out;
}

absl::Status BatchStore::Reject(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                                const std::vector<int64_t>& row_numbers, absl::string_view rejection) {
  for (int64_t row : row_numbers) {
    RETURN_IF_ERROR(tx.Execute("UPDATE claim_batch_rows SET rejection = $1 "
                               "WHERE sender = $2 AND batch_id = $3 AND row_number = $4",
                               {rejection, sender, batch_id, row})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<BatchRowOutcome>> BatchStore::Outcomes(storage::Transaction& tx, absl::string_view sender,
                                                                  absl::string_view batch_id, int64_t after_row,
                                                                  int limit) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(
          absl::StrCat("SELECT r.row_number, r.claim_id, r.rejection, COALESCE(i.item, 0), COALESCE(i.outcome, ''), "
                       "COALESCE(i.reason, ''), COALESCE(i.reason_detail, ''), COALESCE(i.reimbursed_centimes, 0), "
                       "COALESCE(c.state, '') "
                       "FROM claim_batch_rows r "
                       "LEFT JOIN claims c ON r.rejection = '' AND c.claim_id = r.claim_id AND c.sender = r.sender "
                       "AND c.batch_id = r.batch_id "
                       "LEFT JOIN claim_items i ON i.claim_id = c.claim_id AND i.row_number = r.row_number "
                       "WHERE r.sender = $1 AND r.batch_id = $2 AND r.row_number > $3 ORDER BY r.row_number LIMIT ",
                       limit),
          {sender, batch_id, after_row}));
  std::vector<BatchRowOutcome> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) {
    size_t c = 0;
    BatchRowOutcome o;
    o.row_number = r.Int(c++);
    o.claim_id = r.Text(c++);
    o.rejection = r.Text(c++);
    o.item = static_cast<int>(r.Int(c++));
    o.item_outcome = r.Text(c++);
    o.reason = r.Text(c++);
    o.reason_detail = r.Text(c++);
    o.reimbursed_centimes = r.Int(c++);
    o.claim_state = r.Text(c++);
    out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<BatchFileCounts> BatchStore::FileCounts(storage::Transaction& tx, absl::string_view sender,
                                                       absl::string_view batch_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT state, outcome, COUNT(*), MAX(decided_at_us) FROM claims "
                                       "WHERE sender = $1 AND batch_id = $2 GROUP BY state, outcome "
                                       "ORDER BY state, outcome",
                                       {sender, batch_id}));
  BatchFileCounts counts;
  for (const storage::Row& r : rows) {
    const std::string state = r.Text(0);
    const int64_t n = r.Int(2);
    counts.files += n;
    if (state == kClaimReceived) {
      counts.received += n;
    } else if (state == kClaimInReview) {
      counts.in_review += n;
    } else {
      counts.outcomes[r.Text(1)] += n;
    }
    if (!r.IsNull(3) && (!counts.last_decided_at_us || r.Int(3) > *counts.last_decided_at_us)) {
      counts.last_decided_at_us = r.Int(3);
    }
  }
  return counts;
}

}  // namespace himaya::claims
