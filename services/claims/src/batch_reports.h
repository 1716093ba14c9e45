// What a sender is told of its bulk claims file: the batch's status (state, rows, files by
// outcome) and the report, one CSV line per data row in the file's order
// (`claim_id,item,outcome,reason,reimbursed_centimes`, docs/claims-file.md), read a page at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::claims {

struct ClaimBatchStatus {
  std::string batch_id;
  std::string sender;
  // RECEIVING, DECIDING, COMPLETED (no file waiting for the rules), REFUSED.
  std::string state;
  int64_t rows_received = 0;
  int64_t claims_received = 0;
  int64_t claims_decided = 0;
  // ACCEPTED, PARTIAL, REJECTED, IN_REVIEW -> files.
  std::map<std::string, int64_t> outcomes;
  std::string refusal;
  absl::Time received_at;
  std::optional<absl::Time> completed_at;
};

// The status of a batch. An empty sender finds the batch by its id alone: FAILED_PRECONDITION
// when several senders used that id. INVALID_ARGUMENT for a malformed id; NOT_FOUND when unknown.
absl::StatusOr<ClaimBatchStatus> GetClaimBatchStatus(storage::Database& db, absl::string_view sender,
                                                     absl::string_view batch_id);

// A page of the report and where the next one starts.
struct ClaimReportPage {
  std::string csv;
  int64_t next_after_row = 0;
  bool last = false;
};

// With no `after_row`, the header (checking the batch exists and was not refused:
// FAILED_PRECONDITION while RECEIVING or once REFUSED); then up to `page_rows` lines after
// `after_row`. Fields are escaped against spreadsheet formulas.
absl::StatusOr<ClaimReportPage> ReadClaimBatchReportPage(storage::Database& db, absl::string_view sender,
                                                         absl::string_view batch_id, std::optional<int64_t> after_row,
                                                         int page_rows = 5000);

}  // namespace himaya::claims
