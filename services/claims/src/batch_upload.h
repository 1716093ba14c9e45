// Receiving a bulk claims file (docs/claims-file.md): the manifest checked and the batch claimed
// (a lease, so that one upload at a time receives it), the rows read by ReadClaimRow and staged
// as they stream (a few thousand per transaction: memory holds one chunk), then, once count and
// sha256 match the manifest, the rows made into files RECEIVED (batch_files.h) in one
// transaction, and the decider woken. A mismatch refuses the batch and keeps none of its rows.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "claims/src/batch_reports.h"
#include "claims/src/batch_store.h"
#include "claims/src/claim_intake.h"
#include "core/clock.h"
#include "liaison/manifest.h"
#include "liaison/manifested_csv.h"
#include "storage/database.h"

namespace himaya::claims {

// The most rows a batch may announce.
inline constexpr int64_t kMaxBatchRows = 2000000;

struct BatchIntakeContext {
  storage::Database* db = nullptr;
  const core::Clock* clock = nullptr;
  IntakeOptions options;
  // An upload silent this long (its process died) may be taken over by the sender's next one.
  absl::Duration receive_lease = absl::Seconds(30);
  // Rows staged per transaction, and read back per query while the files are made.
  int stage_rows = 2000;
  int file_rows_page = 5000;
  // Called once a batch's files are stored (the decider's wake-up).
  std::function<void()> on_received;
};

class ClaimBatchUpload {
 public:
  // Checks the manifest (liaison::CheckManifestFields; the sender is its liaison_body) and
  // claims the batch. When the same batch (same sender, id and sha256) was received before,
  // `existing()` holds its status and nothing more is read. INVALID_ARGUMENT for a bad manifest;
  // ALREADY_EXISTS for the id with other bytes; UNAVAILABLE while another upload receives it.
  static absl::StatusOr<std::unique_ptr<ClaimBatchUpload>> Begin(const BatchIntakeContext& context,
                                                                 const liaison::Manifest& manifest);
  const std::optional<ClaimBatchStatus>& existing() const { return existing_; }

  // Parses and stages `bytes`. INVALID_ARGUMENT refuses the batch (header, UTF-8, quoting, more
  // rows than announced). Ignored once `existing()` answered.
  absl::Status Feed(absl::string_view bytes);
  // Ends the stream: count and sha256 checked, the files made. A refusal returns
  // INVALID_ARGUMENT and leaves the batch REFUSED with nothing of it kept.
  absl::StatusOr<ClaimBatchStatus> Finish();

 private:
  ClaimBatchUpload(const BatchIntakeContext& context, liaison::Manifest manifest);
  absl::Status OnRow(int64_t row, const std::vector<std::string>& fields);
  absl::Status Flush();
  absl::Status MakeFiles(storage::Transaction& tx);
  absl::Status Refuse(const absl::Status& reason);

  BatchIntakeContext context_;
  liaison::Manifest manifest_;
  std::optional<ClaimBatchStatus> existing_;
  liaison::ManifestedCsv file_;
  std::vector<StagedClaimRow> pending_;
  bool done_ = false;
  bool claim_lost_ = false;  // another upload took the batch over
  absl::Status refused_;
};

}  // namespace himaya::claims
