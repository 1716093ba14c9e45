#include "registration/src/batch_reports.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "liaison/csv_field.h"
#include "registration/src/batch_intake.h"
#include "registration/src/batch_store.h"
#include "registration/src/person_rules.h"

namespace himaya::registration {
namespace {

BatchState StateOf(const std::string& state) {
  if (state == kBatchReceiving) return BatchState::kReceiving;
  if (state == kBatchApplying) return BatchState::kApplying;
  if (state == kBatchCompleted) return BatchState::kCompleted;
  if (state == kBatchRefused) return BatchState::kRefused;
  return BatchState::kUnknown;
}

// The liaison body of `batch_id` when the caller gave none: NOT_FOUND when no body sent such a
// batch, FAILED_PRECONDITION when several did.
absl::StatusOr<std::string> ResolveBody(storage::Database& db, absl::string_view liaison_body,
                                        absl::string_view batch_id) {
  RETURN_IF_ERROR(CheckRequiredIdentifier("batch_id", batch_id));
  RETURN_IF_ERROR(CheckIdentifier("liaison_body", liaison_body));
  if (!liaison_body.empty()) return std::string(liaison_body);
  std::vector<std::string> bodies;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(bodies, BatchStore::BodiesWithBatchId(tx, batch_id));
    return absl::OkStatus();
  }));
  if (bodies.empty()) return absl::NotFoundError(absl::StrCat("batch ", batch_id, " is unknown"));
  if (bodies.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("batch ", batch_id, " was sent by several liaison bodies: name one (BODY/", batch_id, ")"));
  }
  return bodies.front();
}

}  // namespace

absl::StatusOr<BatchStatus> GetBatchStatus(storage::Database& db, absl::string_view given_body,
                                           absl::string_view batch_id) {
  ASSIGN_OR_RETURN(const std::string liaison_body, ResolveBody(db, given_body, batch_id));
  std::optional<StoredBatch> stored;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, BatchStore::Find(tx, BatchKey(liaison_body, batch_id)));
    return absl::OkStatus();
  }));
  if (!stored) {
    return absl::NotFoundError(absl::StrCat("batch ", liaison_body, "/", batch_id, " is unknown"));
  }
  BatchStatus status;
  status.batch_id = stored->batch_id;
  status.liaison_body = stored->liaison_body;
  status.program = stored->program;
  status.state = StateOf(stored->state);
  status.rows_received = stored->rows_received;
  status.rows_applied = stored->rows_applied;
  status.refusal = stored->refusal;
  status.received_at = absl::FromUnixMicros(stored->received_at_us);
  if (stored->completed_at_us) status.completed_at = absl::FromUnixMicros(*stored->completed_at_us);
  status.outcomes = stored->outcome_counts;
  return status;
}

absl::StatusOr<ReportPage> ReadBatchReportPage(storage::Database& db, absl::string_view given_body,
                                               absl::string_view batch_id, std::optional<int64_t> after_row,
                                               int page_rows) {
  ASSIGN_OR_RETURN(const std::string liaison_body, ResolveBody(db, given_body, batch_id));
  ReportPage page;
  if (!after_row) {
    ASSIGN_OR_RETURN(BatchStatus status, GetBatchStatus(db, liaison_body, batch_id));
    if (status.state != BatchState::kCompleted) {
      return absl::FailedPreconditionError(absl::StrCat("batch ", liaison_body, "/", batch_id, " is ",
                                                        BatchStateName(status.state),
                                                        ": its report exists once it is COMPLETED"));
    }
    page.csv = "record_id,row_number,outcome,registration_number,reasons\n";
    page.next_after_row = -1;
    return page;
  }
  page.next_after_row = *after_row;
  int64_t rows_read = 0;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    page.csv.clear();
    page.next_after_row = *after_row;
    ASSIGN_OR_RETURN(std::vector<RowOutcome> rows,
                     BatchStore::ReadOutcomes(tx, BatchKey(liaison_body, batch_id), *after_row, int64_t{page_rows}));
    rows_read = static_cast<int64_t>(rows.size());
    for (const RowOutcome& r : rows) {
      page.next_after_row = r.row_number;
      absl::StrAppend(&page.csv, liaison::ReportCsvField(TextOf(r.record_id)), ",", r.row_number, ",",
                      liaison::ReportCsvField(r.outcome), ",", liaison::ReportCsvField(TextOf(r.registration_number)),
                      ",", liaison::ReportCsvField(TextOf(r.reasons)), "\n");
    }
    return absl::OkStatus();
  }));
  page.last = rows_read < page_rows;
  return page;
}

absl::Status WriteBatchReport(storage::Database& db, absl::string_view liaison_body, absl::string_view batch_id,
                              const std::function<absl::Status(const std::string&)>& emit) {
  std::optional<int64_t> after_row;
  while (true) {
    ASSIGN_OR_RETURN(ReportPage page, ReadBatchReportPage(db, liaison_body, batch_id, after_row));
    if (!page.csv.empty()) RETURN_IF_ERROR(emit(page.csv));
    if (page.last) return absl::OkStatus();
    after_row = page.next_after_row;
  }
}

}  // namespace himaya::registration
