// Receiving a liaison batch (batch_intake.h): one upload checks the manifest, claims the batch,
// and stages its rows as they stream in, each normalised and checked against the row rules of
// LIAISON-FILE.md (a row that breaks one is staged with its reasons, and will be INVALID).
// Staging overlaps parsing: while one slice of rows is written, on a thread of its own, the
// next is parsed and checked; at most one write is in flight, and its error stops the upload.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "liaison/manifest.h"
#include "liaison/manifested_csv.h"
#include "registration/src/batch_intake.h"
#include "registration/src/repeat_hints.h"
#include "registration/src/staged_row.h"

namespace himaya::registration {

// One upload of a batch.
class BatchUpload {
 public:
  // Checks the manifest and claims the batch. When the same batch (same id and sha256) was
  // received before, `existing()` holds its status and nothing more is to be sent.
  // INVALID_ARGUMENT for a bad manifest; FAILED_PRECONDITION for a program this process does not
  // serve; ALREADY_EXISTS for the id with other bytes; UNAVAILABLE while another upload of it
  // is in progress.
  static absl::StatusOr<std::unique_ptr<BatchUpload>> Begin(const IntakeContext& context,
                                                            const liaison::Manifest& manifest);
  const std::optional<BatchStatus>& existing() const { return existing_; }

  // Parses and stages `bytes`. INVALID_ARGUMENT refuses the batch (header, UTF-8, quoting).
  absl::Status Feed(absl::string_view bytes);
  // Ends the stream: checks count and hash, checks households, and hands the batch to the
  // applier (APPLYING). A refusal returns INVALID_ARGUMENT and leaves the batch REFUSED.
  absl::StatusOr<BatchStatus> Finish();
  // The client went away: the batch is refused ("upload interrupted") and may be sent again.
  void Abort();
  // Waits for the write in flight.
  ~BatchUpload();

 private:
  BatchUpload(const IntakeContext& context, liaison::Manifest manifest);
  absl::Status OnRow(int64_t row, const std::vector<std::string>& fields);
  // Hands the pending rows to a write of their own (after the one in flight has ended).
  absl::Status Flush();
  // Flush, when a slice is full or the receive lease asks for a renewal.
  absl::Status FlushIfDue();
  // Waits for the write in flight, if any; its outcome.
  absl::Status WaitForWrite();
  // Writes `rows` and renews the receive lease, in one transaction.
  absl::Status Stage(const std::vector<StagedRow>& rows, int64_t rows_received);
  absl::Status Refuse(const absl::Status& reason);

  IntakeContext context_;
  liaison::Manifest manifest_;
  std::string key_;
  std::string processing_date_;
  std::optional<BatchStatus> existing_;
  liaison::ManifestedCsv file_;
  RepeatHints hints_;
  std::vector<StagedRow> pending_;
  std::future<absl::Status> write_;  // the write in flight, if valid
  absl::Time last_flush_;
  bool done_ = false;
  bool claim_lost_ = false;  // another upload of the batch took over (set by a write)
  absl::Status refused_;
};

}  // namespace himaya::registration
