// Liaison batch intake (LIAISON-FILE.md), in two phases.
//
// Receiving: the manifest is checked, then the data file's bytes stream through a CSV parser;
// every row is normalised and validated and staged in the database a thousand rows at a time,
// so memory does not grow with the file. Nothing is applied: when the stream ends, record_count
// and sha256 must match the bytes received, or the batch is refused and its staged rows dropped.
//
// Applying (BatchApplier, in the background): staged rows are decided in chunks, in file order,
// households' heads before their members. A chunk is one transaction holding its rows'
// outcomes, the persons registered, their events in the outbox, and the cursor that says how
// far the batch got: a process killed mid-batch resumes at the next chunk, and no row is lost
// or applied twice. The checks of a chunk are set-based (one query joins the staged rows to the
// persons, the coverages and the look-alike index), so PostgreSQL is not asked once per row.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "events/envelope.h"
#include "himaya/registration/v1/registration.pb.h"
#include "liaison/manifested_csv.h"
#include "nlohmann/json_fwd.hpp"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "registration/src/number_allocator.h"
#include "registration/src/person.h"
#include "registration/src/reference_data.h"
#include "storage/database.h"

namespace himaya::registration {

// Row outcomes, as written in reports and counts.
inline constexpr char kRegistered[] = "REGISTERED";
inline constexpr char kAlreadyRegistered[] = "ALREADY_REGISTERED";
inline constexpr char kDuplicateInBatch[] = "DUPLICATE_IN_BATCH";
inline constexpr char kAlreadyCovered[] = "ALREADY_COVERED";
inline constexpr char kInvalid[] = "INVALID";
inline constexpr char kNeedsReview[] = "NEEDS_REVIEW";
inline constexpr char kDependent[] = "DEPENDENT";

// What operations watch of intake: rows by program and outcome as they are decided, batches by
// program and what became of them (received, refused, completed).
struct IntakeMetrics {
  explicit IntakeMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& rows;
  prometheus::Family<prometheus::Counter>& batches;
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

// INVALID_ARGUMENT naming the flag when rows per chunk or the upload lease is not positive.
absl::Status CheckIntakeSettings(int chunk_rows, absl::Duration receive_lease);

// Returns "BODY/BATCH_ID", the batch's key.
std::string BatchKey(absl::string_view liaison_body, absl::string_view batch_id);

// The status of a batch; an empty liaison_body finds the batch by id alone when only one body
// sent that id. NOT_FOUND when unknown.
absl::StatusOr<v1::BatchStatus> GetBatchStatus(storage::Database& db, absl::string_view liaison_body,
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

// A staged row as reviews keep it (JSON keyed by staged column). DATA_LOSS when the text is not
// a JSON object.
absl::StatusOr<nlohmann::json> ParseStagedRow(absl::string_view text);
// A column of such a row; "" when absent or not text.
std::string StagedText(const nlohmann::json& row, const std::string& column);
// The person of such a row, to register.
Person PersonFromStagedRow(const nlohmann::json& row, const std::string& program, absl::Time now);

// One upload of a batch.
class BatchUpload {
 public:
  // Checks the manifest and claims the batch. When the same batch (same id and sha256) was
  // received before, `existing()` holds its status and nothing more is to be sent.
  // INVALID_ARGUMENT for a bad manifest; FAILED_PRECONDITION for a program this process does not
  // serve; ALREADY_EXISTS for the id with other bytes; UNAVAILABLE while another upload of it
  // is in progress.
  static absl::StatusOr<std::unique_ptr<BatchUpload>> Begin(const IntakeContext& context, const v1::Manifest& manifest);
  const std::optional<v1::BatchStatus>& existing() const { return existing_; }

  // Parses and stages `bytes`. INVALID_ARGUMENT refuses the batch (header, UTF-8, quoting).
  absl::Status Feed(absl::string_view bytes);
  // Ends the stream: checks count and hash, checks households, and hands the batch to the
  // applier (APPLYING). A refusal returns INVALID_ARGUMENT and leaves the batch REFUSED.
  absl::StatusOr<v1::BatchStatus> Finish();
  // The client went away: the batch is refused ("upload interrupted") and may be sent again.
  void Abort();

 private:
  BatchUpload(const IntakeContext& context, v1::Manifest manifest);
  absl::Status OnRow(int64_t row, const std::vector<std::string>& fields);
  absl::Status Flush();
  absl::Status Refuse(const absl::Status& reason);

  IntakeContext context_;
  v1::Manifest manifest_;
  std::string key_;
  std::string processing_date_;
  std::optional<v1::BatchStatus> existing_;
  liaison::ManifestedCsv file_;
  std::vector<std::vector<storage::Value>> pending_;
  bool done_ = false;
  bool claim_lost_ = false;  // another upload of the batch took over
  absl::Status refused_;
};

// Applies batches that finished receiving, on a background thread; resumes, at start, the
// batches a stopped process left half applied.
class BatchApplier {
 public:
  explicit BatchApplier(
      IntakeContext context, std::function<void()> on_commit = [] {}, int chunk_rows = 2000);
  ~BatchApplier();

  void Start();
  void Stop();
  // A batch is ready: look now rather than at the next poll.
  void Wake();
  // Applies every ready batch to the end, on the calling thread (tests, tools).
  absl::Status ApplyAllReady();

 private:
  void Run();
  // Claims one APPLYING batch; empty when none is free.
  absl::StatusOr<std::string> Claim();
  // Applies the next chunk of `key`; returns false when the batch is complete, or when another
  // process took it over (this one's lease ran out).
  absl::StatusOr<bool> ApplyChunk(const std::string& key);

  IntakeContext context_;
  std::function<void()> on_commit_;
  const int chunk_rows_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace himaya::registration
