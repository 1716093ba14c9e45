#include "claims/src/claim_decision_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::claims {
namespace {

// Values in one IN (...) list: well under both backends' parameter limits.
constexpr size_t kInList = 500;

// A day the service wrote; a day it cannot read is the epoch's (then rejected by the rules' dates).
absl::CivilDay DayOf(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return absl::CivilDay(1970, 1, 1);
  return day;
}

std::string Placeholders(size_t first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) absl::StrAppend(&out, i > 0 ? ", $" : "$", first + i);
  return out;
}

// Runs `sql` (holding "{IN}" where the list goes) for `values`, kInList at a time, passing each
// row to `read`.
absl::Status QueryIn(storage::Transaction& tx, absl::string_view sql, const std::vector<std::string>& values,
                     const std::function<void(const storage::Row&)>& read) {
  for (size_t first = 0; first < values.size(); first += kInList) {
    const size_t n = std::min(kInList, values.size() - first);
    std::string statement(sql);
    statement.replace(statement.find("{IN}"), 4, Placeholders(1, n));
    std::vector<storage::Value> params(values.begin() + first, values.begin() + first + n);
    ASSIGN_OR_RETURN(std::vector<storage::Row> rows, tx.Query(statement, params));
    for (const storage::Row& r : rows) read(r);
  }
  return absl::OkStatus();
}

ClaimToDecide ClaimOf(const storage::Row& r) {
  ClaimToDecide c;
  c.claim_id = r.Text(0);
  c.registration_number = r.Text(1);
  c.channel = r.Text(2);
  c.sender = r.Text(3);
  c.batch_id = r.Text(4);
  c.filed_date = DayOf(r.Text(5));
  c.received_at = absl::FromUnixMicros(r.Int(6));
  c.due_date = r.Text(7);
  c.claimed_centimes = r.Int(8);
  return c;
}

FiledItem ItemOf(const storage::Row& r) {
  FiledItem i;
  i.item = static_cast<int>(r.Int(1));
  i.beneficiary_id = r.Text(2);
  i.care_date = DayOf(r.Text(3));
  i.act_code = r.Text(4);
  i.quantity = static_cast<int>(r.Int(5));
  i.amount_paid_centimes = r.Int(6);
  i.ald_certificate = r.Text(7);
  i.invalid_field = r.Text(8);
  return i;
}

}  // namespace

absl::StatusOr<std::vector<ClaimToDecide>> ClaimDecisionStore::Received(storage::Transaction& tx, int limit) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("SELECT claim_id, registration_number, channel, sender, batch_id, filed_date, "
                            "received_at_us, due_date, claimed_centimes FROM claims WHERE state = 'RECEIVED' "
                            "ORDER BY received_at_us, claim_id LIMIT $1",
                            {limit}));
  std::vector<ClaimToDecide> claims;
  std::map<std::string, size_t> index;
  std::vector<std::string> ids;
  for (const storage::Row& r : rows) {
    index[r.Text(0)] = claims.size();
    ids.push_back(r.Text(0));
    claims.push_back(ClaimOf(r));
  }
  RETURN_IF_ERROR(QueryIn(tx,
                          "SELECT claim_id, item, beneficiary_id, care_date, act_code, quantity, "
                          "amount_paid_centimes, ald_certificate, invalid_field FROM claim_items "
                          "WHERE claim_id IN ({IN}) ORDER BY claim_id, item",
                          ids, [&](const storage::Row& r) { claims[index[r.Text(0)]].items.push_back(ItemOf(r)); }));
  return claims;
}

absl::StatusOr<std::vector<AcceptedItem>> ClaimDecisionStore::AcceptedOf(
    storage::Transaction& tx, const std::vector<std::string>& beneficiary_ids) {
  std::vector<AcceptedItem> out;
  RETURN_IF_ERROR(QueryIn(tx,
                          "SELECT claim_id, beneficiary_id, act_code, care_date, amount_paid_centimes "
                          "FROM claim_items WHERE outcome = 'ACCEPTED' AND beneficiary_id IN ({IN})",
                          beneficiary_ids, [&](const storage::Row& r) {
                            out.push_back({r.Text(0), r.Text(1), r.Text(2), DayOf(r.Text(3)), r.Int(4)});
                          }));
  return out;
}

absl::StatusOr<std::vector<TariffVersion>> ClaimDecisionStore::TariffFor(storage::Transaction& tx,
                                                                         const std::vector<std::string>& act_codes) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("SELECT version, effective_from FROM tariff_versions ORDER BY effective_from"));
  std::vector<TariffVersion> versions;
  std::map<std::string, size_t> index;
  for (const storage::Row& r : rows) {
    index[r.Text(0)] = versions.size();
    versions.push_back({r.Text(0), DayOf(r.Text(1)), {}});
  }
  RETURN_IF_ERROR(QueryIn(tx,
                          "SELECT version, act_code, label, category, tnr_centimes, max_quantity, "
                          "min_days_between FROM tariff_acts WHERE act_code IN ({IN})",
                          act_codes, [&](const storage::Row& r) {
                            auto at = index.find(r.Text(0));
                            if (at == index.end()) return;
                            versions[at->second].acts.push_back({r.Text(1), r.Text(2), r.Text(3), r.Int(4),
                                                                 static_cast<int>(r.Int(5)),
                                                                 static_cast<int>(r.Int(6))});
                          }));
  return versions;
}

absl::StatusOr<std::vector<AldCertificateValidity>> ClaimDecisionStore::AldCertificates(
    storage::Transaction& tx, const std::vector<std::string>& certificates) {
  std::vector<AldCertificateValidity> out;
  RETURN_IF_ERROR(QueryIn(tx,
                          "SELECT certificate, beneficiary_id, valid_from, valid_until FROM ald_certificates "
                          "WHERE certificate IN ({IN})",
                          certificates, [&](const storage::Row& r) {
                            out.push_back({r.Text(0), r.Text(1), DayOf(r.Text(2)), DayOf(r.Text(3))});
                          }));
  return out;
}

absl::StatusOr<bool> ClaimDecisionStore::RecordDecision(storage::Transaction& tx, const DecisionToRecord& d) {
  const FileDecision& f = d.decision;
  const std::optional<int64_t> decided_at =
      d.in_review ? std::nullopt : std::optional<int64_t>(absl::ToUnixMicros(d.decided_at));
  const std::optional<int64_t> settled_at =
      d.settled ? std::optional<int64_t>(absl::ToUnixMicros(d.decided_at)) : std::nullopt;
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE claims SET program = $2, state = $3, outcome = $4, reimbursed_centimes = $5, "
                 "decided_at_us = $6, settled_at_us = $7, review_reason = $8, category = $9, region = $10 "
                 "WHERE claim_id = $1 AND state = 'RECEIVED'",
                 {d.claim_id, d.program, d.in_review ? "IN_REVIEW" : "DECIDED", std::string(OutcomeName(f.outcome)),
                  f.reimbursed_centimes, decided_at, settled_at, f.review_reason, d.category, d.region}));
  if (changed == 0) return false;
  for (const ItemDecision& i : f.items) {
    RETURN_IF_ERROR(tx.Execute("UPDATE claim_items SET outcome = $3, reason = $4, reason_detail = $5, "
                               "tnr_centimes = $6, rate_percent = $7, reimbursed_centimes = $8 "
                               "WHERE claim_id = $1 AND item = $2",
                               {d.claim_id, i.item, i.accepted ? "ACCEPTED" : "REJECTED", i.reason, i.reason_detail,
                                i.tnr_centimes, i.rate_percent, i.reimbursed_centimes})
                        .status());
  }
  return true;
}

absl::StatusOr<bool> ClaimDecisionStore::RecordReview(storage::Transaction& tx, const std::string& claim_id,
                                                      const std::string& outcome, int64_t reimbursed_centimes,
                                                      absl::Time decided_at, bool settled, const std::string& agent,
                                                      const std::string& note) {
  const int64_t at = absl::ToUnixMicros(decided_at);
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE claims SET state = 'DECIDED', outcome = $2, reimbursed_centimes = $3, "
                              "decided_at_us = $4, settled_at_us = $5, reviewed_by = $6, review_note = $7 "
                              "WHERE claim_id = $1 AND state = 'IN_REVIEW'",
                              {claim_id, outcome, reimbursed_centimes, at,
                               settled ? std::optional<int64_t>(at) : std::nullopt, agent, note}));
  return changed > 0;
}

absl::StatusOr<std::vector<std::string>> ClaimDecisionStore::Escalate(storage::Transaction& tx,
                                                                      absl::Time received_before) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("UPDATE claims SET escalated = 1 WHERE state = 'IN_REVIEW' AND escalated = 0 AND "
                            "received_at_us < $1 RETURNING program",
                            {absl::ToUnixMicros(received_before)}));
  std::vector<std::string> programs;
  for (const storage::Row& r : rows) programs.push_back(r.Text(0));
  return programs;
}

absl::StatusOr<std::vector<OpenFiles>> ClaimDecisionStore::OpenByAge(storage::Transaction& tx, absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("SELECT program, ($1 - received_at_us) / 86400000000 AS age, COUNT(*) FROM claims "
                            "WHERE settled_at_us IS NULL GROUP BY program, age",
                            {absl::ToUnixMicros(now)}));
  std::vector<OpenFiles> out;
  for (const storage::Row& r : rows) out.push_back({r.Text(0), std::max<int64_t>(0, r.Int(1)), r.Int(2)});
  return out;
}

absl::StatusOr<std::vector<OpenFiles>> ClaimDecisionStore::PastDue(storage::Transaction& tx, absl::CivilDay today) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("SELECT program, COUNT(*) FROM claims WHERE settled_at_us IS NULL AND due_date < $1 "
                            "GROUP BY program",
                            {absl::FormatCivilTime(today)}));
  std::vector<OpenFiles> out;
  for (const storage::Row& r : rows) out.push_back({r.Text(0), 0, r.Int(1)});
  return out;
}

absl::StatusOr<std::vector<FilesInState>> ClaimDecisionStore::CountByState(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("SELECT program, category, region, state, COUNT(*) FROM claims "
                            "GROUP BY program, category, region, state"));
  std::vector<FilesInState> out;
  for (const storage::Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)});
  return out;
}

absl::StatusOr<std::vector<SettledFiles>> ClaimDecisionStore::Settled(storage::Transaction& tx) {
  // Whole seconds each, summed: no overflow at tens of millions of files.
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query("SELECT program, category, region, COUNT(*), "
                            "CAST(SUM((settled_at_us - received_at_us) / 1000000) AS BIGINT) "
                            "FROM claims WHERE settled_at_us IS NOT NULL GROUP BY program, category, region"));
  std::vector<SettledFiles> out;
  for (const storage::Row& r : rows) {
    out.push_back(
        {r.Text(0), r.Text(1), r.Text(2), r.Int(3), std::max<double>(0, static_cast<double>(r.Int(4)) / 86400.0)});
  }
  return out;
}

absl::StatusOr<int64_t> ClaimDecisionStore::CompleteDecidedBatches(storage::Transaction& tx, absl::Time now) {
  return tx.Execute(
      "UPDATE claim_batches SET state = 'COMPLETED', completed_at_us = $1 WHERE state = 'DECIDING' AND NOT EXISTS "
      "(SELECT 1 FROM claims c WHERE c.sender = claim_batches.sender AND c.batch_id = claim_batches.batch_id "
      "AND c.state = 'RECEIVED')",
      {absl::ToUnixMicros(now)});
}

}  // namespace himaya::claims
