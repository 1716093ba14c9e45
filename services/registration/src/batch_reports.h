// What a liaison body is told of its batch: the batch's status (state, rows received and
// applied, rows by outcome) and the reconciliation report, one CSV line per data row
// (`record_id,row_number,outcome,registration_number,reasons`), read a page at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "registration/src/batch_intake.h"
#include "storage/database.h"

namespace himaya::registration {

// The status of a batch; an empty liaison_body finds the batch by id alone when only one body
// sent that id. NOT_FOUND when unknown.
absl::StatusOr<BatchStatus> GetBatchStatus(storage::Database& db, absl::string_view liaison_body,
                                           absl::string_view batch_id);

// A page of a batch's reconciliation report (CSV text) and where the next one starts.
struct ReportPage {
  std::string csv;
  // The row the next page follows; pass it back as `after_row`.
  int64_t next_after_row = 0;
  // Nothing follows this page.
  bool last = false;
};

// The reconciliation report a page at a time, so that a reader can be served one page per
// write without anything waiting on it: with no `after_row` the header (checking the batch is
// COMPLETED, FAILED_PRECONDITION until it is), then up to `page_rows` rows after `after_row`.
absl::StatusOr<ReportPage> ReadBatchReportPage(storage::Database& db, absl::string_view liaison_body,
                                               absl::string_view batch_id, std::optional<int64_t> after_row,
                                               int page_rows = 5000);

// The whole reconciliation report, CSV, in pages: calls `emit` with successive pieces of text.
// FAILED_PRECONDITION until the batch is COMPLETED.
absl::Status WriteBatchReport(storage::Database& db, absl::string_view liaison_body, absl::string_view batch_id,
                              const std::function<absl::Status(const std::string&)>& emit);

}  // namespace himaya::registration
