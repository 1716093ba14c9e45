#include "registration/src/batch_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

// What is not a JSON object of whole numbers reads as no counts, or a count of 0.
OutcomeCounts ParseOutcomeCounts(const std::string& text) {
  OutcomeCounts counts;
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return counts;
  for (const auto& [outcome, n] : json.items()) counts[outcome] = n.is_number_integer() ? n.get<int64_t>() : 0;
  return counts;
}

// The columns of batch_rows, in the order Stage writes them.
const std::vector<std::string>& StagedColumns() {
  static const auto* const columns = [] {
    auto* names = new std::vector<std::string>{"batch_key", "row_number"};
    for (const auto& [column, field] : StagedTextColumns()) names->push_back(column);
    names->push_back("record_id_may_repeat");
    names->push_back("cin_may_repeat");
    return names;
  }();
  return *columns;
}

// What ReadChunk finds beside each staged row, in the order of its query's columns after them.
enum Finding {
  kEarlierRecordId,
  kEarlierSameCin,
  kRegisteredNumber,
  kCoverageScheme,
  kLookalikeNumber,
  kHeadNumber,
  kHeadRowInReview,
};

// What a dependent's row finds of its household's head.
constexpr char kHeadFindings[] =
    // kHeadNumber: the registration number of the household's head, once decided
    "(SELECT o.registration_number FROM batch_rows h JOIN batch_outcomes o "
    " ON o.batch_key = h.batch_key AND o.row_number = h.row_number "
    " WHERE h.batch_key = r.batch_key AND h.household_id = r.household_id "
    " AND h.relationship = 'HEAD' AND o.registration_number IS NOT NULL LIMIT 1), "
    // kHeadRowInReview: the head's row when it went to review (its dependents wait for the decision)
    "(SELECT h.row_number FROM batch_rows h JOIN batch_outcomes o "
    " ON o.batch_key = h.batch_key AND o.row_number = h.row_number "
    " WHERE h.batch_key = r.batch_key AND h.household_id = r.household_id "
    " AND h.relationship = 'HEAD' AND o.outcome = 'NEEDS_REVIEW' LIMIT 1) ";

// The chunk query: each staged row with what decides its outcome, computed by the database.
// $1 batch key, $2 cursor (last row applied), $3 processing date, $4 chunk size.
std::string ChunkQuery(ApplyPhase phase) {
  std::string staged = "r.row_number";
  for (const auto& [column, field] : StagedTextColumns()) absl::StrAppend(&staged, ", r.", column);
  return absl::StrCat("SELECT ", staged,
                      ", "
                      // kEarlierRecordId: the first earlier row with the same record_id (looked
                      // for only where receiving saw that one may exist)
                      "CASE WHEN r.record_id_may_repeat = 0 THEN NULL ELSE "
                      "(SELECT e.record_id FROM batch_rows e WHERE e.batch_key = r.batch_key "
                      " AND e.record_id = r.record_id AND e.row_number < r.row_number LIMIT 1) END, "
                      // kEarlierSameCin: the first earlier valid row with the same CIN (likewise)
                      "CASE WHEN r.cin_may_repeat = 0 THEN NULL ELSE "
                      "(SELECT e.record_id FROM batch_rows e WHERE e.batch_key = r.batch_key AND e.cin = r.cin "
                      " AND e.reasons IS NULL AND e.row_number < r.row_number ORDER BY e.row_number LIMIT 1) END, "
                      // kRegisteredNumber: the person already registered with this CIN (or merged under it)
                      "COALESCE((SELECT p.registration_number FROM persons p WHERE p.cin = r.cin), "
                      " (SELECT a.registration_number FROM cin_aliases a WHERE a.cin = r.cin)), "
                      // kCoverageScheme: a coverage of another scheme valid on the processing date
                      "(SELECT c.scheme FROM coverages c WHERE c.cin = r.cin AND c.valid_from <= $3 "
                      " AND (c.valid_to IS NULL OR c.valid_to >= $3) ORDER BY c.scheme LIMIT 1), "
                      // kLookalikeNumber: a look-alike: same birth date, sex and name key under another CIN
                      "(SELECT l.registration_number FROM persons l WHERE l.birth_date = r.birth_date "
                      " AND l.sex = r.sex AND l.name_key = r.name_key AND l.cin <> r.cin "
                      " ORDER BY l.registration_number LIMIT 1), ",
                      // kHeadNumber and kHeadRowInReview: asked of dependents only (the heads come first)
                      phase == ApplyPhase::kHeadsAndSingles ? "NULL, NULL " : kHeadFindings,
                      "FROM batch_rows r WHERE r.batch_key = $1 AND r.row_number > $2 AND ",
                      phase == ApplyPhase::kHeadsAndSingles
                          ? "(r.relationship IS NULL OR r.relationship NOT IN ('SPOUSE', 'CHILD'))"
                          : "r.relationship IN ('SPOUSE', 'CHILD')",
                      " ORDER BY r.row_number LIMIT $4");
}

// A row of the chunk query, read once into its fields: the staged columns by name, then the
// findings.
ChunkRow ChunkRowOf(const storage::Row& r) {
  ChunkRow c;
  c.row.row_number = r.Int(0);
  size_t i = 1;
  for (const auto& [column, field] : StagedTextColumns()) c.row.*field = r.OptionalText(i++);
  auto found = [&](Finding f) { return r.OptionalText(i + f); };
  c.found.earlier_record_id = found(kEarlierRecordId);
  c.found.earlier_same_cin = found(kEarlierSameCin);
  c.found.registered_number = found(kRegisteredNumber);
  c.found.coverage_scheme = found(kCoverageScheme);
  c.found.lookalike_number = found(kLookalikeNumber);
  c.found.head_number = found(kHeadNumber);
  if (!r.IsNull(i + kHeadRowInReview)) c.found.head_row_in_review = r.Int(i + kHeadRowInReview);
  return c;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> BatchStore::BodiesWithBatchId(storage::Transaction& tx,
                                                                       absl::string_view batch_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT liaison_body FROM batches WHERE batch_id = $1 LIMIT 2", {batch_id}));
  std::vector<std::string> bodies;
  for (const auto& r : rows) bodies.push_back(r.Text(0));
  return bodies;
}

absl::StatusOr<std::optional<StoredBatch>> BatchStore::Find(storage::Transaction& tx, absl::string_view key) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT batch_id, liaison_body, program, state, rows_received, "
                                       "rows_applied, refusal, received_at_us, completed_at_us, outcome_counts "
                                       "FROM batches WHERE batch_key = $1",
                                       {key}));
  if (rows.empty()) return std::nullopt;
  const storage::Row& r = rows.front();
  StoredBatch b;
  b.batch_id = r.Text(0);
  b.liaison_body = r.Text(1);
  b.program = r.Text(2);
  b.state = r.Text(3);
  b.rows_received = r.Int(4);
  b.rows_applied = r.Int(5);
  b.refusal = r.Text(6);
  b.received_at_us = r.Int(7);
  if (!r.IsNull(8)) b.completed_at_us = r.Int(8);
  b.outcome_counts = ParseOutcomeCounts(r.Text(9));
  return b;
}

absl::StatusOr<std::optional<StoredUpload>> BatchStore::FindUpload(storage::Transaction& tx, absl::string_view key) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT sha256, state, lease_owner, lease_until_us "
                                       "FROM batches WHERE batch_key = $1",
                                       {key}));
  if (rows.empty()) return std::nullopt;
  return StoredUpload{rows[0].Text(0), rows[0].Text(1), !rows[0].IsNull(2), rows[0].Int(3)};
}

absl::Status BatchStore::Forget(storage::Transaction& tx, absl::string_view key) {
  RETURN_IF_ERROR(tx.Execute("DELETE FROM batch_rows WHERE batch_key = $1", {key}).status());
  RETURN_IF_ERROR(tx.Execute("DELETE FROM batch_outcomes WHERE batch_key = $1", {key}).status());
  return tx.Execute("DELETE FROM batches WHERE batch_key = $1", {key}).status();
}

absl::Status BatchStore::Insert(storage::Transaction& tx, const NewBatch& b) {
  return tx
      .Execute(
          "INSERT INTO batches (batch_key, batch_id, liaison_body, program, record_count, "
          "sha256, produced_at, state, processing_date, lease_owner, lease_until_us, "
          "received_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
          {b.key, b.batch_id, b.liaison_body, b.program, b.record_count, b.sha256, b.produced_at, kBatchReceiving,
           b.processing_date, b.lease_owner, b.lease_until_us, b.received_at_us})
      .status();
}

absl::Status BatchStore::Stage(storage::Transaction& tx, absl::string_view key, const std::vector<StagedRow>& rows) {
  std::vector<std::vector<storage::Value>> values;
  values.reserve(rows.size());
  for (const StagedRow& row : rows) {
    std::vector<storage::Value> v = {key, row.row_number};
    v.reserve(StagedColumns().size());
    for (const auto& [column, field] : StagedTextColumns()) v.push_back(row.*field);
    v.push_back(row.record_id_may_repeat);
    v.push_back(row.cin_may_repeat);
    values.push_back(std::move(v));
  }
  return storage::InsertRows(tx, "batch_rows", StagedColumns(), std::move(values)).status();
}

absl::StatusOr<bool> BatchStore::RenewReceiveLease(storage::Transaction& tx, absl::string_view key,
                                                   absl::string_view owner, int64_t rows_received,
                                                   int64_t lease_until_us) {
  ASSIGN_OR_RETURN(int64_t claimed, tx.Execute("UPDATE batches SET rows_received = $2, lease_until_us = $3 "
                                               "WHERE batch_key = $1 AND lease_owner = $4",
                                               {key, rows_received, lease_until_us, owner}));
  return claimed == 1;
}

absl::Status BatchStore::Refuse(storage::Transaction& tx, absl::string_view key, absl::string_view reason,
                                int64_t rows_received) {
  RETURN_IF_ERROR(tx.Execute("DELETE FROM batch_rows WHERE batch_key = $1", {key}).status());
  return tx
      .Execute(
          "UPDATE batches SET state = $2, refusal = $3, lease_owner = NULL, "
          "lease_until_us = NULL, rows_received = $4 WHERE batch_key = $1",
          {key, kBatchRefused, reason, rows_received})
      .status();
}

absl::Status BatchStore::MarkHouseholdsWithoutOneHead(storage::Transaction& tx, absl::string_view key) {
  return tx
      .Execute(
          "UPDATE batch_rows SET reasons = CASE WHEN reasons IS NULL "
          "THEN 'relationship:HOUSEHOLD_HEAD_COUNT' "
          "ELSE reasons || ';relationship:HOUSEHOLD_HEAD_COUNT' END "
          "WHERE batch_key = $1 AND household_id IN (SELECT household_id FROM batch_rows "
          "WHERE batch_key = $1 AND household_id IS NOT NULL GROUP BY household_id "
          "HAVING SUM(CASE WHEN relationship = 'HEAD' THEN 1 ELSE 0 END) <> 1)",
          {key})
      .status();
}

absl::Status BatchStore::MarkReceived(storage::Transaction& tx, absl::string_view key) {
  return tx
      .Execute(
          "UPDATE batches SET state = $2, lease_owner = NULL, lease_until_us = NULL "
          "WHERE batch_key = $1",
          {key, kBatchApplying})
      .status();
}

absl::StatusOr<std::optional<std::string>> BatchStore::ClaimToApply(storage::Transaction& tx, absl::string_view owner,
                                                                    int64_t now_us, int64_t lease_until_us) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT batch_key FROM batches WHERE state = $1 AND "
                                       "(lease_owner IS NULL OR lease_owner = $2 OR lease_until_us < $3) "
                                       "ORDER BY received_at_us LIMIT 1",
                                       {kBatchApplying, owner, now_us}));
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE batches SET lease_owner = $2, lease_until_us = $3 "
                                         "WHERE batch_key = $1 AND state = $4 AND (lease_owner IS NULL "
                                         "OR lease_owner = $2 OR lease_until_us < $5)",
                                         {rows[0].Text(0), owner, lease_until_us, kBatchApplying, now_us}));
  if (n != 1) return std::nullopt;
  return rows[0].Text(0);
}

absl::Status BatchStore::ReleaseLeases(storage::Transaction& tx, absl::string_view owner) {
  return tx
      .Execute(
          "UPDATE batches SET lease_owner = NULL, lease_until_us = NULL "
          "WHERE lease_owner = $1",
          {owner})
      .status();
}

absl::StatusOr<std::optional<ApplyCursor>> BatchStore::FindApplyCursor(storage::Transaction& tx,
                                                                       absl::string_view key) {
  ASSIGN_OR_RETURN(auto meta, tx.Query("SELECT program, liaison_body, batch_id, apply_phase, "
                                       "apply_cursor, processing_date, outcome_counts, state, "
                                       "lease_owner FROM batches WHERE batch_key = $1",
                                       {key}));
  if (meta.empty()) return std::nullopt;
  const storage::Row& r = meta[0];
  ApplyCursor c;
  c.program = r.Text(0);
  c.liaison_body = r.Text(1);
  c.batch_id = r.Text(2);
  c.phase = static_cast<ApplyPhase>(r.Int(3));
  c.after_row = r.Int(4);
  c.processing_date = r.Text(5);
  c.outcome_counts = ParseOutcomeCounts(r.Text(6));
  c.state = r.Text(7);
  c.lease_owner = r.Text(8);
  return c;
}

absl::StatusOr<std::vector<ChunkRow>> BatchStore::ReadChunk(storage::Transaction& tx, absl::string_view key,
                                                            ApplyPhase phase, int64_t after_row,
                                                            absl::string_view processing_date, int64_t limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(ChunkQuery(phase), {key, after_row, processing_date, limit}));
  std::vector<ChunkRow> chunk;
  chunk.reserve(rows.size());
  for (const storage::Row& r : rows) chunk.push_back(ChunkRowOf(r));
  return chunk;
}

absl::StatusOr<std::string> BatchStore::ExplainChunk(storage::Transaction& tx, ApplyPhase phase) {
  const bool postgres = tx.dialect() == storage::Dialect::kPostgres;
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat(postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ", ChunkQuery(phase)),
                                       {"", 0, "", 1}));
  std::string plan;
  // PostgreSQL: one step a row; SQLite: its detail in the last column.
  for (const storage::Row& row : rows) absl::StrAppend(&plan, row.Text(row.size() - 1), "\n");
  return plan;
}

absl::Status BatchStore::InsertOutcomes(storage::Transaction& tx, absl::string_view key,
                                        const std::vector<RowOutcome>& outcomes) {
  std::vector<std::vector<storage::Value>> values;
  values.reserve(outcomes.size());
  for (const RowOutcome& o : outcomes) {
    values.push_back({key, o.row_number, o.record_id, o.outcome, o.registration_number, o.reasons});
  }
  return storage::InsertRows(tx, "batch_outcomes",
                             {"batch_key", "row_number", "record_id", "outcome", "registration_number", "reasons"},
                             std::move(values))
      .status();
}

absl::StatusOr<bool> BatchStore::SaveProgress(storage::Transaction& tx, absl::string_view key, absl::string_view owner,
                                              const ApplyProgress& p) {
  ASSIGN_OR_RETURN(int64_t updated, tx.Execute("UPDATE batches SET apply_phase = $2, apply_cursor = $3, "
                                               "rows_applied = rows_applied + $4, outcome_counts = $5, state = $6, "
                                               "completed_at_us = $7, lease_until_us = $8 "
                                               "WHERE batch_key = $1 AND lease_owner = $9",
                                               {key, static_cast<int>(p.phase), p.after_row, p.rows_applied,
                                                nlohmann::json(p.outcome_counts).dump(), p.state, p.completed_at_us,
                                                p.lease_until_us, owner}));
  return updated == 1;
}

absl::StatusOr<int64_t> BatchStore::PurgeStagedRows(storage::Transaction& tx, absl::string_view key, int64_t limit) {
  return tx.Execute(
      "DELETE FROM batch_rows WHERE batch_key = $1 AND row_number IN "
      "(SELECT row_number FROM batch_rows WHERE batch_key = $1 "
      "ORDER BY row_number LIMIT $2)",
      {key, limit});
}

absl::StatusOr<int64_t> BatchStore::PurgeCompletedStagedRows(storage::Transaction& tx, int64_t limit) {
  ASSIGN_OR_RETURN(auto batches, tx.Query("SELECT b.batch_key FROM batches b WHERE b.state = $1 AND EXISTS "
                                          "(SELECT 1 FROM batch_rows r WHERE r.batch_key = b.batch_key) LIMIT 1",
                                          {kBatchCompleted}));
  if (batches.empty()) return 0;
  return PurgeStagedRows(tx, batches[0].Text(0), limit);
}

absl::StatusOr<std::vector<RowOutcome>> BatchStore::ReadOutcomes(storage::Transaction& tx, absl::string_view key,
                                                                 int64_t after_row, int64_t limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT row_number, record_id, outcome, registration_number, reasons "
                                       "FROM batch_outcomes WHERE batch_key = $1 AND row_number > $2 "
                                       "ORDER BY row_number LIMIT $3",
                                       {key, after_row, limit}));
  std::vector<RowOutcome> outcomes;
  outcomes.reserve(rows.size());
  for (const storage::Row& r : rows) {
    outcomes.push_back({r.Int(0), r.OptionalText(1), r.Text(2), r.OptionalText(3), r.OptionalText(4)});
  }
  return outcomes;
}

absl::Status BatchStore::AmendOutcome(storage::Transaction& tx, absl::string_view key, int64_t row_number,
                                      absl::string_view registration_number, absl::string_view more_reasons) {
  return tx
      .Execute(
          "UPDATE batch_outcomes SET registration_number = $3, "
          "reasons = reasons || $4 WHERE batch_key = $1 AND row_number = $2",
          {key, row_number, registration_number, more_reasons})
      .status();
}

}  // namespace himaya::registration
