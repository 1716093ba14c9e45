// Bulk claims files in claims' database (claim_batches, claim_batch_rows): their SQL lives here,
// and only here. A batch is claimed by one upload at a time (a lease), its rows staged as they
// stream in, read back grouped by file once the whole file matched its manifest, and read in the
// file's order for the report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "claims/src/claim_rules.h"
#include "storage/database.h"

namespace himaya::claims {

// A batch's states (claim_batches.state).
inline constexpr char kBatchReceiving[] = "RECEIVING";
inline constexpr char kBatchDeciding[] = "DECIDING";
inline constexpr char kBatchCompleted[] = "COMPLETED";
inline constexpr char kBatchRefused[] = "REFUSED";

struct StoredBatch {
  std::string sender;
  std::string batch_id;
  std::string sha256;
  int64_t record_count = 0;
  std::string state;
  int64_t rows_received = 0;
  std::string refusal;
  int64_t received_at_us = 0;
  std::optional<int64_t> completed_at_us;
  int64_t lease_until_us = 0;
};

// A data row as staged: ReadClaimRow's reading, and whether the row's own registration_number
// and filed_date are valid (a file takes those of its first row).
struct StagedClaimRow {
  int64_t row_number = 0;
  std::string claim_id;
  std::string registration_number;
  absl::CivilDay filed_date;
  FiledItem item;  // item.item unused here
  bool registration_valid = false;
  bool filed_date_valid = false;
  // Set when the row belongs to no file: INVALID_ROW:claim_id, INVALID_ROW:row, CLAIM_ID_TAKEN.
  std::string rejection;
};

// One line of a batch's report, before it is written as CSV.
struct BatchRowOutcome {
  int64_t row_number = 0;
  std::string claim_id;
  std::string rejection;  // set: the row belongs to no file
  int item = 0;
  std::string item_outcome;  // "" until decided
  std::string reason;
  std::string reason_detail;
  int64_t reimbursed_centimes = 0;
  std::string claim_state;  // the file's state ("" when the row is no item)
};

// The batch's files by state, and the decided ones by outcome.
struct BatchFileCounts {
  int64_t files = 0;
  int64_t received = 0;  // waiting for the rules
  int64_t in_review = 0;
  std::map<std::string, int64_t> outcomes;  // of the decided files
  std::optional<int64_t> last_decided_at_us;
};

class BatchStore {
 public:
  static absl::StatusOr<std::optional<StoredBatch>> Find(storage::Transaction& tx, absl::string_view sender,
                                                         absl::string_view batch_id);
  // The senders that used `batch_id`.
  static absl::StatusOr<std::vector<std::string>> SendersOf(storage::Transaction& tx, absl::string_view batch_id);
  // Records a batch RECEIVING. ALREADY_EXISTS when (sender, batch_id) is recorded.
  static absl::Status Insert(storage::Transaction& tx, const StoredBatch& batch);
  // Forgets a batch and its staged rows (a refused one, or an upload that died).
  static absl::Status Forget(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id);

  // Stages rows (many per statement) and extends the lease; false when the batch is no longer
  // RECEIVING (another upload took it over).
  static absl::Status Stage(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                            const std::vector<StagedClaimRow>& rows);
  static absl::StatusOr<bool> RenewLease(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                                         int64_t rows_received, int64_t lease_until_us);
  // Refuses a batch: its rows go, the batch stays REFUSED with the reason.
  static absl::Status Refuse(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                             absl::string_view refusal, int64_t rows_received);
  // The batch is whole and its files are made: DECIDING.
  static absl::Status MarkDeciding(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                                   int64_t rows_received);

  // Staged rows that belong to a file (no rejection), by claim_id then row, after
  // (claim_id, row_number) when given: the files' rows, a page at a time.
  static absl::StatusOr<std::vector<StagedClaimRow>> RowsByFile(
      storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
      const std::optional<std::pair<std::string, int64_t>>& after, int limit);
  // Marks rows as belonging to no file, with the reason.
  static absl::Status Reject(storage::Transaction& tx, absl::string_view sender, absl::string_view batch_id,
                             const std::vector<int64_t>& row_numbers, absl::string_view rejection);

  // The report's lines after `after_row`, at most `limit`, in the file's order.
  static absl::StatusOr<std::vector<BatchRowOutcome>> Outcomes(storage::Transaction& tx, absl::string_view sender,
                                                               absl::string_view batch_id, int64_t after_row,
                                                               int limit);
  static absl::StatusOr<BatchFileCounts> FileCounts(storage::Transaction& tx, absl::string_view sender,
                                                    absl::string_view batch_id);
};

}  // namespace himaya::claims
