#include "claims/src/claim_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "claims_file/claim_row.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::claims {
namespace {

constexpr char kClaimColumns[] =
    "claim_id, registration_number, program, channel, sender, batch_id, filed_date, state, outcome, "
    "claimed_centimes, reimbursed_centimes, received_at_us, due_date, decided_at_us, settled_at_us, review_reason, "
    "reviewed_by, review_note, escalated, payment_run_id, paid_at_us, idempotency_key";
constexpr char kItemColumns[] =
    "claim_id, item, row_number, beneficiary_id, care_date, act_code, quantity, amount_paid_centimes, "
    "ald_certificate, invalid_field, outcome, reason, reason_detail, tnr_centimes, rate_percent, reimbursed_centimes";

// A day as stored; a day that cannot be read (never written so) reads as the epoch's.
absl::CivilDay DayOf(const std::string& text) {
  absl::CivilDay day;
  return absl::ParseCivilTime(text, &day) ? day : absl::CivilDay();
}

std::optional<absl::Time> TimeOf(const storage::Row& r, size_t column) {
  if (r.IsNull(column)) return std::nullopt;
  return absl::FromUnixMicros(r.Int(column));
}

std::optional<int64_t> MicrosOf(const std::optional<absl::Time>& t) {
  if (!t) return std::nullopt;
  return absl::ToUnixMicros(*t);
}

// Reads the columns of kClaimColumns, in their order.
Claim ReadClaim(const storage::Row& r) {
  size_t c = 0;
  Claim claim;
  claim.claim_id = r.Text(c++);
  claim.registration_number = r.Text(c++);
  claim.program = r.Text(c++);
  claim.channel = r.Text(c++);
  claim.sender = r.Text(c++);
  claim.batch_id = r.Text(c++);
  claim.filed_date = DayOf(r.Text(c++));
  claim.state = r.Text(c++);
  claim.outcome = r.Text(c++);
  claim.claimed_centimes = r.Int(c++);
  claim.reimbursed_centimes = r.Int(c++);
  claim.received_at = absl::FromUnixMicros(r.Int(c++));
  claim.due_date = DayOf(r.Text(c++));
  claim.decided_at = TimeOf(r, c++);
  claim.settled_at = TimeOf(r, c++);
  claim.review_reason = r.Text(c++);
  claim.reviewed_by = r.Text(c++);
  claim.review_note = r.Text(c++);
  claim.escalated = r.Int(c++) != 0;
  claim.payment_run_id = r.Text(c++);
  claim.paid_at = TimeOf(r, c++);
  claim.idempotency_key = r.Text(c++);
  return claim;
}

// Reads the columns of kItemColumns after claim_id, in their order.
ClaimItemRecord ReadItem(const storage::Row& r) {
  size_t c = 1;
  ClaimItemRecord i;
  i.filed.item = static_cast<int>(r.Int(c++));
  i.row_number = r.Int(c++);
  i.filed.beneficiary_id = r.Text(c++);
  i.filed.care_date = DayOf(r.Text(c++));
  i.filed.act_code = r.Text(c++);
  i.filed.quantity = static_cast<int>(r.Int(c++));
  i.filed.amount_paid_centimes = r.Int(c++);
  i.filed.ald_certificate = r.Text(c++);
  i.filed.invalid_field = r.Text(c++);
  i.outcome = r.Text(c++);
  i.reason = r.Text(c++);
  i.reason_detail = r.Text(c++);
  i.tnr_centimes = r.Int(c++);
  i.rate_percent = static_cast<int>(r.Int(c++));
  i.reimbursed_centimes = r.Int(c++);
  return i;
}

std::vector<storage::Value> ItemValues(const std::string& claim_id, const ClaimItemRecord& i) {
  return {claim_id,
          i.filed.item,
          i.row_number,
          i.filed.beneficiary_id,
          FormatClaimDay(i.filed.care_date),
          i.filed.act_code,
          i.filed.quantity,
          i.filed.amount_paid_centimes,
          i.filed.ald_certificate,
          i.filed.invalid_field,
          i.outcome,
          i.reason,
          i.reason_detail,
          i.tnr_centimes,
          i.rate_percent,
          i.reimbursed_centimes};
}

const std::vector<std::string>& ClaimColumnNames() {
  static const auto* const names = new std::vector<std::string>(absl::StrSplit(kClaimColumns, ", "));
  return *names;
}

const std::vector<std::string>& ItemColumnNames() {
  static const auto* const names = new std::vector<std::string>(absl::StrSplit(kItemColumns, ", "));
  return *names;
}

// The files matching `where` (a condition on $1, `key`), oldest or newest received first.
absl::StatusOr<std::vector<Claim>> Page(storage::Transaction& tx, absl::string_view where, storage::Value key,
                                        const std::optional<ClaimCursor>& after, int limit, bool newest_first) {
  const char* order = newest_first ? "DESC" : "ASC";
  const char* beyond = newest_first ? "<" : ">";
  std::string sql = absl::StrCat("SELECT ", kClaimColumns, " FROM claims WHERE ", where);
  std::vector<storage::Value> params = {std::move(key)};
  if (after) {
    absl::StrAppend(&sql, " AND (received_at_us ", beyond, " $2 OR (received_at_us = $2 AND claim_id ", beyond,
                    " $3))");
    params.push_back(after->received_at_us);
    params.push_back(after->claim_id);
  }
  absl::StrAppend(&sql, " ORDER BY received_at_us ", order, ", claim_id ", order, " LIMIT ", limit);
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows, tx.Query(sql, params));
  std::vector<Claim> claims;
  claims.reserve(rows.size());
  for (const storage::Row& r : rows) claims.push_back(ReadClaim(r));
  return claims;
}

}  // namespace

absl::Status ClaimStore::Insert(storage::Transaction& tx, const Claim& claim) { return InsertMany(tx, {claim}); }

absl::Status ClaimStore::InsertMany(storage::Transaction& tx, const std::vector<Claim>& claims) {
  std::vector<std::vector<storage::Value>> files;
  std::vector<std::vector<storage::Value>> items;
  files.reserve(claims.size());
  for (const Claim& c : claims) {
    std::optional<std::string> key;
    if (!c.idempotency_key.empty()) key = c.idempotency_key;
    files.push_back({c.claim_id,
                     c.registration_number,
                     c.program,
                     c.channel,
                     c.sender,
                     c.batch_id,
                     FormatClaimDay(c.filed_date),
                     c.state,
                     c.outcome,
                     c.claimed_centimes,
                     c.reimbursed_centimes,
                     absl::ToUnixMicros(c.received_at),
                     FormatClaimDay(c.due_date),
                     MicrosOf(c.decided_at),
                     MicrosOf(c.settled_at),
                     c.review_reason,
                     c.reviewed_by,
                     c.review_note,
                     c.escalated,
                     c.payment_run_id,
                     MicrosOf(c.paid_at),
                     key});
    for (const ClaimItemRecord& i : c.items) items.push_back(ItemValues(c.claim_id, i));
  }
  RETURN_IF_ERROR(storage::InsertRows(tx, "claims", ClaimColumnNames(), files).status());
  return storage::InsertRows(tx, "claim_items", ItemColumnNames(), items).status();
}

absl::StatusOr<std::optional<Claim>> ClaimStore::Find(storage::Transaction& tx, absl::string_view claim_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kClaimColumns, " FROM claims WHERE claim_id = $1"), {claim_id}));
  if (rows.empty()) return std::nullopt;
  Claim claim = ReadClaim(rows[0]);
  ASSIGN_OR_RETURN(claim.items, ItemsOf(tx, claim_id));
  return claim;
}

absl::StatusOr<std::optional<Claim>> ClaimStore::FindByIdempotencyKey(storage::Transaction& tx, absl::string_view key) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT claim_id FROM claims WHERE idempotency_key = $1", {key}));
  if (rows.empty()) return std::nullopt;
  return Find(tx, rows[0].Text(0));
}

absl::StatusOr<bool> ClaimStore::Exists(storage::Transaction& tx, absl::string_view claim_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM claims WHERE claim_id = $1", {claim_id}));
  return !rows.empty();
}

absl::StatusOr<absl::flat_hash_set<std::string>> ClaimStore::Existing(storage::Transaction& tx,
                                                                      const std::vector<std::string>& claim_ids) {
  constexpr size_t kPerQuery = 1000;
  absl::flat_hash_set<std::string> existing;
  for (size_t next = 0; next < claim_ids.size(); next += kPerQuery) {
    const size_t end = std::min(claim_ids.size(), next + kPerQuery);
    std::string sql = "SELECT claim_id FROM claims WHERE claim_id IN (";
    std::vector<storage::Value> params;
    for (size_t i = next; i < end; ++i) {
      absl::StrAppend(&sql, i > next ? ", $" : "$", i - next + 1);
      params.push_back(claim_ids[i]);
    }
    sql += ")";
    ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
    for (const storage::Row& r : rows) existing.insert(r.Text(0));
  }
  return existing;
}

absl::StatusOr<std::vector<Claim>> ClaimStore::OfInsured(storage::Transaction& tx,
                                                         absl::string_view registration_number,
                                                         const std::optional<ClaimCursor>& after, int limit) {
  return Page(tx, "registration_number = $1", registration_number, after, limit, /*newest_first=*/true);
}

absl::StatusOr<std::vector<Claim>> ClaimStore::InState(storage::Transaction& tx, absl::string_view state,
                                                       const std::optional<ClaimCursor>& after, int limit) {
  return Page(tx, "state = $1", state, after, limit, /*newest_first=*/false);
}

absl::StatusOr<std::vector<Claim>> ClaimStore::Reviewed(storage::Transaction& tx,
                                                        const std::optional<ClaimCursor>& after, int limit) {
  return Page(tx, "reviewed_by <> $1", "", after, limit, /*newest_first=*/false);
}

absl::StatusOr<std::vector<Claim>> ClaimStore::Overdue(storage::Transaction& tx, absl::CivilDay today,
                                                       const std::optional<ClaimCursor>& after, int limit) {
  return Page(tx, "settled_at_us IS NULL AND due_date < $1", FormatClaimDay(today), after, limit,
              /*newest_first=*/false);
}

absl::StatusOr<std::vector<ClaimItemRecord>> ClaimStore::ItemsOf(storage::Transaction& tx, absl::string_view claim_id) {
  ASSIGN_OR_RETURN(
      auto rows, tx.Query(absl::StrCat("SELECT ", kItemColumns, " FROM claim_items WHERE claim_id = $1 ORDER BY item"),
                          {claim_id}));
  std::vector<ClaimItemRecord> items;
  items.reserve(rows.size());
  for (const storage::Row& r : rows) items.push_back(ReadItem(r));
  return items;
}

absl::Status ClaimStore::RecordItemDecision(storage::Transaction& tx, absl::string_view claim_id,
                                            const ItemDecision& d) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE claim_items SET outcome = $1, reason = $2, reason_detail = $3, "
                              "tnr_centimes = $4, rate_percent = $5, reimbursed_centimes = $6 "
                              "WHERE claim_id = $7 AND item = $8",
                              {d.accepted ? "ACCEPTED" : "REJECTED", d.reason, d.reason_detail, d.tnr_centimes,
                               d.rate_percent, d.reimbursed_centimes, claim_id, d.item}));
  if (changed == 0) return absl::NotFoundError(absl::StrCat("item ", d.item, " of claim ", claim_id, " is unknown"));
  return absl::OkStatus();
}

}  // namespace himaya::claims
