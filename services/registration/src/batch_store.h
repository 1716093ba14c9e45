// Liaison batches in the database: `batches` (one per batch: its state, its lease, how far it
// was applied), `batch_rows` (the rows staged while receiving) and `batch_outcomes` (each row's
// outcome, the reconciliation report). The SQL of these tables lives here, and only here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registration/src/row_decision.h"
#include "registration/src/staged_row.h"
#include "storage/database.h"

namespace himaya::registration {

// A batch's states, as stored.
inline constexpr char kBatchReceiving[] = "RECEIVING";
inline constexpr char kBatchApplying[] = "APPLYING";
inline constexpr char kBatchCompleted[] = "COMPLETED";
inline constexpr char kBatchRefused[] = "REFUSED";

// A batch as its status shows it.
// Rows of a batch by outcome (kept as a JSON object in batches.outcome_counts).
using OutcomeCounts = std::map<std::string, int64_t>;

struct StoredBatch {
  std::string batch_id;
  std::string liaison_body;
  std::string program;
  std::string state;
  int64_t rows_received = 0;
  int64_t rows_applied = 0;
  std::string refusal;
  int64_t received_at_us = 0;
  std::optional<int64_t> completed_at_us;
  OutcomeCounts outcome_counts;
};

// What an upload about to begin must know of an earlier upload of the same batch.
struct StoredUpload {
  std::string sha256;
  std::string state;
  bool leased = false;  // somebody holds (or held) the batch
  int64_t lease_until_us = 0;
};

// A batch as a new upload records it.
struct NewBatch {
  std::string key;
  std::string batch_id;
  std::string liaison_body;
  std::string program;
  int64_t record_count = 0;
  std::string sha256;
  std::string produced_at;
  std::string processing_date;
  std::string lease_owner;
  int64_t lease_until_us = 0;
  int64_t received_at_us = 0;
};

// How far the applier got with a batch.
struct ApplyCursor {
  std::string program;
  std::string liaison_body;
  std::string batch_id;
  ApplyPhase phase = ApplyPhase::kHeadsAndSingles;
  int64_t after_row = 0;  // the last row applied in this phase
  std::string processing_date;
  OutcomeCounts outcome_counts;
  std::string state;
  std::string lease_owner;
};

// What a chunk changes of its batch once applied.
struct ApplyProgress {
  ApplyPhase phase = ApplyPhase::kHeadsAndSingles;
  int64_t after_row = 0;
  int64_t rows_applied = 0;  // in this chunk
  OutcomeCounts outcome_counts;
  std::string state;
  std::optional<int64_t> completed_at_us;
  int64_t lease_until_us = 0;
};

// A staged row and what the database found about it, as a chunk reads them.
struct ChunkRow {
  StagedRow row;
  RowFindings found;
};

// A row of the reconciliation report.
struct RowOutcome {
  int64_t row_number = 0;
  std::optional<std::string> record_id;
  std::string outcome;
  std::optional<std::string> registration_number;
  std::optional<std::string> reasons;
};

class BatchStore {
 public:
  // --- Finding batches
  // The liaison bodies that sent a batch with this id (at most two: one, or "several").
  static absl::StatusOr<std::vector<std::string>> BodiesWithBatchId(storage::Transaction& tx,
                                                                    absl::string_view batch_id);
  static absl::StatusOr<std::optional<StoredBatch>> Find(storage::Transaction& tx, absl::string_view key);

  // --- Receiving
  static absl::StatusOr<std::optional<StoredUpload>> FindUpload(storage::Transaction& tx, absl::string_view key);
  // Deletes the batch, its staged rows and its outcomes (an upload starts afresh).
  static absl::Status Forget(storage::Transaction& tx, absl::string_view key);
  // Records a batch being received (RECEIVING, leased to its upload).
  static absl::Status Insert(storage::Transaction& tx, const NewBatch& batch);
  static absl::Status Stage(storage::Transaction& tx, absl::string_view key, const std::vector<StagedRow>& rows);
  // Counts the rows received and extends the upload's lease; false when `owner` no longer holds it.
  static absl::StatusOr<bool> RenewReceiveLease(storage::Transaction& tx, absl::string_view key,
                                                absl::string_view owner, int64_t rows_received, int64_t lease_until_us);
  // Drops the staged rows and records the refusal (REFUSED, no lease).
  static absl::Status Refuse(storage::Transaction& tx, absl::string_view key, absl::string_view reason,
                             int64_t rows_received);
  // Every row of a household without exactly one HEAD gets relationship:HOUSEHOLD_HEAD_COUNT.
  static absl::Status MarkHouseholdsWithoutOneHead(storage::Transaction& tx, absl::string_view key);
  // Received whole: APPLYING, free for an applier to claim.
  static absl::Status MarkReceived(storage::Transaction& tx, absl::string_view key);

  // --- Applying
  // Leases the oldest APPLYING batch free to `owner` (unleased, already its own, or whose lease
  // ended before `now_us`) until `lease_until_us`; empty when none is.
  static absl::StatusOr<std::optional<std::string>> ClaimToApply(storage::Transaction& tx, absl::string_view owner,
                                                                 int64_t now_us, int64_t lease_until_us);
  // Gives up every lease `owner` holds.
  static absl::Status ReleaseLeases(storage::Transaction& tx, absl::string_view owner);
  static absl::StatusOr<std::optional<ApplyCursor>> FindApplyCursor(storage::Transaction& tx, absl::string_view key);
  // Up to `limit` staged rows of `phase` after row `after_row`, in file order, each with what
  // decides its outcome (found set-based, in one query). `processing_date` dates coverages.
  static absl::StatusOr<std::vector<ChunkRow>> ReadChunk(storage::Transaction& tx, absl::string_view key,
                                                         ApplyPhase phase, int64_t after_row,
                                                         absl::string_view processing_date, int64_t limit);
  // The plan the database chooses for ReadChunk in `phase`, one step a line: PostgreSQL's
  // EXPLAIN, SQLite's EXPLAIN QUERY PLAN.
  static absl::StatusOr<std::string> ExplainChunk(storage::Transaction& tx, ApplyPhase phase);
  static absl::Status InsertOutcomes(storage::Transaction& tx, absl::string_view key,
                                     const std::vector<RowOutcome>& outcomes);
  // Records a chunk's progress; false when `owner` no longer holds the batch.
  static absl::StatusOr<bool> SaveProgress(storage::Transaction& tx, absl::string_view key, absl::string_view owner,
                                           const ApplyProgress& progress);
  // Deletes up to `limit` staged rows of a batch; returns how many.
  static absl::StatusOr<int64_t> PurgeStagedRows(storage::Transaction& tx, absl::string_view key, int64_t limit);
  // Deletes up to `limit` staged rows of one completed batch that still has some; how many.
  static absl::StatusOr<int64_t> PurgeCompletedStagedRows(storage::Transaction& tx, int64_t limit);

  // --- Reporting
  // Up to `limit` outcomes after row `after_row`, in file order.
  static absl::StatusOr<std::vector<RowOutcome>> ReadOutcomes(storage::Transaction& tx, absl::string_view key,
                                                              int64_t after_row, int64_t limit);
  // An agent's decision on a row that waited: its number, and `more_reasons` appended to its reasons.
  static absl::Status AmendOutcome(storage::Transaction& tx, absl::string_view key, int64_t row_number,
                                   absl::string_view registration_number, absl::string_view more_reasons);
};

}  // namespace himaya::registration
