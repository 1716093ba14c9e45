// Liaison batch intake (LIAISON-FILE.md), in two phases, and what both share.
//
// Receiving (BatchUpload, batch_upload.h): the manifest is checked, then the data file's bytes
// stream through a CSV parser; every row is normalised and validated and staged in the database
// a thousand rows at a time, so memory does not grow with the file. Nothing is applied: when the
// stream ends, record_count and sha256 must match the bytes received, or the batch is refused
// and its staged rows dropped.
//
// Applying (BatchApplier, batch_applier.h, in the background): staged rows are decided
// (DecideRow, row_decision.h) in chunks, in file order, households' heads before their members.
// A chunk is one transaction holding its rows' outcomes, the persons registered, their events in
// the outbox, and the cursor that says how far the batch got: a process killed mid-batch resumes
// at the next chunk, and no row is lost or applied twice.
//
// Reporting (batch_reports.h): a batch's status and its reconciliation report.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "events/envelope.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "registration/src/number_allocator.h"
#include "registration/src/reference_data.h"
#include "registration/src/row_decision.h"
#include "storage/database.h"

namespace himaya::registration {

// Where a batch is: being received, applied in the background, complete (its report ready), or
// refused whole (and free to be sent again, corrected).
enum class BatchState { kUnknown, kReceiving, kApplying, kCompleted, kRefused };
// "RECEIVING", "APPLYING", "COMPLETED", "REFUSED"; "UNSPECIFIED" for kUnknown.
std::string BatchStateName(BatchState state);

// What a liaison body is told of its batch.
struct BatchStatus {
  std::string batch_id;
  std::string liaison_body;
  std::string program;
  BatchState state = BatchState::kUnknown;
  int64_t rows_received = 0;
  int64_t rows_applied = 0;
  std::string refusal;  // why a REFUSED batch was refused
  absl::Time received_at;
  std::optional<absl::Time> completed_at;
  std::map<std::string, int64_t> outcomes;  // rows by outcome so far
};

// What operations watch of intake: rows by program and outcome as they are decided, batches by
// program and what became of them (received, refused, completed).
struct IntakeMetrics {
  explicit IntakeMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& rows;
  prometheus::Family<prometheus::Counter>& batches;
  prometheus::Family<prometheus::Counter>& slices;
};

struct IntakeContext {
  storage::Database* db;
  const ReferenceData* reference;
  std::vector<std::string> programs;  // served by this process
  events::EventSource source;
  NumberAllocator* numbers;
  // Identifies this process in leases (two uploads or appliers never work one batch at once).
  std::string instance_id;
  // An upload not heard from for this long (its process died) may be taken over by a new one.
  absl::Duration receive_lease = absl::Seconds(30);
  // Counted here when set.
  IntakeMetrics* metrics = nullptr;
  // Called when a batch has been received whole and waits to be applied.
  std::function<void()> on_received = [] {};
};

// Counts a batch of `program` under `what` (received, refused, completed) when metrics are kept.
void CountBatch(const IntakeContext& context, const std::string& program, const char* what);

// INVALID_ARGUMENT naming the flag when rows per chunk or the upload lease is not positive.
absl::Status CheckIntakeSettings(int chunk_rows, absl::Duration receive_lease);

// Returns "BODY/BATCH_ID", the batch's key.
std::string BatchKey(absl::string_view liaison_body, absl::string_view batch_id);

}  // namespace himaya::registration
