#include "claims/src/batch_reports.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "claims/src/batch_store.h"
#include "claims/src/claim.h"
#include "core/status_macros.h"
#include "liaison/csv_field.h"
#include "liaison/manifest.h"

namespace himaya::claims {
namespace {

constexpr char kReportHeader[] = "claim_id,item,outcome,reason,reimbursed_centimes\n";

absl::Status CheckBatchId(absl::string_view batch_id) {
  liaison::Manifest m;
  m.batch_id = std::string(batch_id);
  m.liaison_body = "-";
  m.sha256 = std::string(64, '0');
  return liaison::CheckManifestFields(m);
}

// The sender of `batch_id` when the caller gave none: NOT_FOUND when no sender used it,
// FAILED_PRECONDITION when several did.
absl::StatusOr<std::string> ResolveSender(storage::Database& db, absl::string_view sender, absl::string_view batch_id) {
  if (absl::Status s = CheckBatchId(batch_id); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("batch_id", s.message().substr(s.message().find(':'))));
  }
  if (sender.size() > 64) return absl::InvalidArgumentError("sender: at most 64 characters");
  if (!sender.empty()) return std::string(sender);
  std::vector<std::string> senders;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(senders, BatchStore::SendersOf(tx, batch_id));
    return absl::OkStatus();
  }));
  if (senders.empty()) return absl::NotFoundError(absl::StrCat("batch ", batch_id, " is unknown"));
  if (senders.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("batch ", batch_id, " was sent by several senders: name one (SENDER/", batch_id, ")"));
  }
  return senders.front();
}

// A line's outcome: a row of no file is REJECTED with its reason; an item is PENDING until its
// file is decided (not while it waits for a review).
void AppendLine(const BatchRowOutcome& r, std::string* csv) {
  std::string outcome = "PENDING";
  std::string reason;
  int64_t reimbursed = 0;
  const bool final = r.claim_state == kClaimDecided || r.claim_state == kClaimInPayment || r.claim_state == kClaimPaid;
  if (!r.rejection.empty()) {
    outcome = "REJECTED";
    reason = r.rejection;
  } else if (final && !r.item_outcome.empty()) {
    outcome = r.item_outcome;
    reason = r.reason_detail.empty() ? r.reason : absl::StrCat(r.reason, ":", r.reason_detail);
    reimbursed = r.reimbursed_centimes;
  }
  absl::StrAppend(csv, liaison::ReportCsvField(r.claim_id), ",", r.item, ",", liaison::ReportCsvField(outcome), ",",
                  liaison::ReportCsvField(reason), ",", reimbursed, "\n");
}

}  // namespace

absl::StatusOr<ClaimBatchStatus> GetClaimBatchStatus(storage::Database& db, absl::string_view given_sender,
                                                     absl::string_view batch_id) {
  ASSIGN_OR_RETURN(const std::string sender, ResolveSender(db, given_sender, batch_id));
  std::optional<StoredBatch> stored;
  BatchFileCounts counts;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, BatchStore::Find(tx, sender, batch_id));
    if (stored) {
      ASSIGN_OR_RETURN(counts, BatchStore::FileCounts(tx, sender, batch_id));
    }
    return absl::OkStatus();
  }));
  if (!stored) return absl::NotFoundError(absl::StrCat("batch ", sender, "/", batch_id, " is unknown"));
  ClaimBatchStatus status;
  status.batch_id = stored->batch_id;
  status.sender = stored->sender;
  status.state = stored->state;
  status.rows_received = stored->rows_received;
  status.claims_received = counts.files;
  status.claims_decided = counts.files - counts.received - counts.in_review;
  status.outcomes = counts.outcomes;
  if (counts.in_review > 0) status.outcomes["IN_REVIEW"] = counts.in_review;
  status.refusal = stored->refusal;
  status.received_at = absl::FromUnixMicros(stored->received_at_us);
  if (stored->completed_at_us) status.completed_at = absl::FromUnixMicros(*stored->completed_at_us);
  // Complete once no file waits for the rules (those in review have their first decision), even
  // before the decider has marked it so.
  if (status.state == kBatchDeciding && counts.received == 0) {
    status.state = kBatchCompleted;
    status.completed_at = absl::FromUnixMicros(counts.last_decided_at_us.value_or(stored->received_at_us));
  }
  return status;
}

absl::StatusOr<ClaimReportPage> ReadClaimBatchReportPage(storage::Database& db, absl::string_view given_sender,
                                                         absl::string_view batch_id, std::optional<int64_t> after_row,
                                                         int page_rows) {
  ASSIGN_OR_RETURN(const std::string sender, ResolveSender(db, given_sender, batch_id));
  ClaimReportPage page;
  if (!after_row) {
    ASSIGN_OR_RETURN(ClaimBatchStatus status, GetClaimBatchStatus(db, sender, batch_id));
    if (status.state == kBatchReceiving || status.state == kBatchRefused) {
      return absl::FailedPreconditionError(
          absl::StrCat("batch ", sender, "/", batch_id, " is ", status.state, ": it has a report once received whole"));
    }
    page.csv = kReportHeader;
    page.next_after_row = 0;
    return page;
  }
  std::vector<BatchRowOutcome> rows;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, BatchStore::Outcomes(tx, sender, batch_id, *after_row, page_rows));
    return absl::OkStatus();
  }));
  page.next_after_row = *after_row;
  for (const BatchRowOutcome& r : rows) {
    page.next_after_row = r.row_number;
    AppendLine(r, &page.csv);
  }
  page.last = rows.size() < static_cast<size_t>(page_rows);
  return page;
}

}  // namespace himaya::claims
