#include "registration/src/batch_applier.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/log.h"
#include "core/random.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "nlohmann/json.hpp"
#include "registration/src/batch_store.h"
#include "registration/src/chunk_prefetch.h"
#include "registration/src/households.h"
#include "registration/src/person_store.h"
#include "registration/src/registrar.h"
#include "registration/src/review_store.h"
#include "registration/src/staged_row.h"

namespace himaya::registration {
namespace {

constexpr absl::Duration kApplyLease = absl::Seconds(15);
// Staged rows of completed batches deleted per transaction.
constexpr int64_t kPurgeRows = 5000;

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

google::protobuf::Timestamp ToTimestamp(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

}  // namespace

BatchApplier::BatchApplier(IntakeContext context, std::function<void()> on_commit, int chunk_rows, int slice_rows)
    : context_(std::move(context)),
      on_commit_(std::move(on_commit)),
      chunk_rows_(chunk_rows),
      slice_rows_(std::max(1, std::min(slice_rows, chunk_rows))) {}

BatchApplier::~BatchApplier() { Stop(); }

void BatchApplier::Start() { loop_.Start(); }

void BatchApplier::Wake() { loop_.Wake(); }

void BatchApplier::Stop() {
  loop_.Stop();
  // Let another process (or this one, restarted) take our batches at once.
  context_.db->Write([&](storage::Transaction& tx) { return BatchStore::ReleaseLeases(tx, context_.instance_id); })
      .IgnoreError();
}

absl::StatusOr<std::string> BatchApplier::Claim() {
  prefetch_.reset();  // a read ahead serves only the chunk right after the one that started it
  const int64_t now = Micros(context_.source.clock->Now());
  std::string claimed;
  RETURN_IF_ERROR(context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(
        std::optional<std::string> key,
        BatchStore::ClaimToApply(tx, context_.instance_id, now, now + absl::ToInt64Microseconds(kApplyLease)));
    claimed = key.value_or("");
    return absl::OkStatus();
  }));
  return claimed;
}

// What the slices of one chunk share, in its transaction.
struct BatchApplier::ChunkWork {
  const std::string& key;
  std::string program;
  std::string body;
  std::string batch_id;
  ApplyPhase phase;
  absl::Time now;
  std::string topic;
  const std::vector<std::string>& numbers;
  size_t used_numbers = 0;
  OutcomeCounts counts;                           // the batch's, so far
  std::map<std::string, int64_t> chunk_outcomes;  // this chunk's, counted once it commits
  // The persons this chunk registered (for the next chunk's prefetch).
  std::vector<ChunkPrefetch::Person> registered;
};

absl::Status BatchApplier::ApplySlice(storage::Transaction& tx, ChunkWork& work, const std::vector<ChunkRow>& rows) {
  std::vector<RowOutcome> outcomes;
  std::vector<Person> persons;
  std::vector<Activity> activities;
  std::vector<NewReview> reviews;
  std::vector<HeldDependent> held;
  HouseholdMembers members(context_.source);
  std::vector<events::OutgoingEvent> outgoing;
  const std::string& key = work.key;
  const std::string& program = work.program;
  // Persons registered earlier in this slice, which its query could not yet see (it sees those
  // of earlier slices: they were written in this transaction before it ran).
  std::map<std::string, std::string> slice_lookalikes;
  for (const ChunkRow& c : rows) {
    const StagedRow& r = c.row;
    const std::string lookalike_key = LookalikeKey(r);
    std::optional<std::string> registered_in_chunk;
    if (auto it = slice_lookalikes.find(lookalike_key); it != slice_lookalikes.end()) {
      registered_in_chunk = it->second;
    }
    RowDecision decision = DecideRow(r, c.found, work.phase, registered_in_chunk);
    auto activity = [&](const std::string& registration_number) {
      activities.push_back({registration_number, program, NonEmpty(TextOf(r.category)), work.body,
                            NonEmpty(TextOf(r.professional_id)), key, Micros(work.now)});
    };
    switch (decision.action) {
      case RowAction::kNone:
        break;
      case RowAction::kRecordActivity:
        activity(decision.registration_number);
        break;
      case RowAction::kHoldForHead:
        held.push_back({key, r.row_number, decision.head_row, TextOf(r.relationship), StagedRowJson(r).dump()});
        break;
      case RowAction::kAttachToHead:
        members.Add(decision.registration_number,
                    {TextOf(r.relationship), TextOf(r.cin), TextOf(r.last_name), TextOf(r.first_name),
                     TextOf(r.birth_date), TextOf(r.sex)},
                    {program, work.body, work.batch_id, key, r.row_number});
        break;
      case RowAction::kSendToReview:
        reviews.push_back({core::NewUuid(*context_.source.random), key, r.row_number, NonEmpty(TextOf(r.record_id)),
                           decision.review_candidate, StagedRowJson(r).dump(), Micros(work.now)});
        break;
      case RowAction::kRegister: {
        if (work.used_numbers == work.numbers.size()) return absl::InternalError("numbers ran out in a chunk");
        Person person = PersonFromStagedRow(r, program, work.now);
        person.registration_number = work.numbers[work.used_numbers++];
        decision.registration_number = person.registration_number;
        activity(decision.registration_number);
        outgoing.push_back({work.topic, PersonRegisteredEvent(context_.source, person)});
        work.registered.push_back({TextOf(r.cin), lookalike_key, person.registration_number});
        slice_lookalikes[lookalike_key] = decision.registration_number;
        persons.push_back(std::move(person));
        break;
      }
    }
    const std::string& outcome = decision.outcome;
    outcomes.push_back({r.row_number, NonEmpty(TextOf(r.record_id)), outcome, NonEmpty(decision.registration_number),
                        NonEmpty(decision.reasons)});
    ++work.counts[outcome];
    ++work.chunk_outcomes[outcome];
  }
  RETURN_IF_ERROR(PersonStore::InsertMany(tx, persons));
  RETURN_IF_ERROR(PersonStore::RecordActivities(tx, activities));
  RETURN_IF_ERROR(ReviewStore::Insert(tx, reviews));
  RETURN_IF_ERROR(members.Write(tx));
  RETURN_IF_ERROR(ReviewStore::Hold(tx, held));
  RETURN_IF_ERROR(BatchStore::InsertOutcomes(tx, key, outcomes));
  // Bundles on PostgreSQL, where a row per event cost a quarter of an intake; on SQLite they
  // gain nothing measurable (decision 0011, sixth round).
  if (tx.dialect() == storage::Dialect::kPostgres) {
    return events::AppendBundledToOutbox(tx, outgoing, *context_.source.clock);
  }
  return events::AppendManyToOutbox(tx, outgoing, *context_.source.clock);
}

absl::StatusOr<bool> BatchApplier::ApplyChunk(const std::string& key) {
  ASSIGN_OR_RETURN(std::vector<std::string> numbers, context_.numbers->Take(chunk_rows_));
  size_t used_numbers = 0;
  bool more = true;
  bool completed = false;
  std::string program;
  std::map<std::string, int64_t> chunk_outcomes;  // counted once the chunk commits
  bool claim_lost = false;
  // Rolls the chunk back. FAILED_PRECONDITION, not ABORTED: the storage layer would run the
  // chunk again, which cannot help.
  auto claim_lost_status = [&](const std::string& key) {
    claim_lost = true;
    return absl::FailedPreconditionError(absl::StrCat("batch ", key, ": apply claim lost"));
  };
  // The read of this chunk's first slice the previous chunk started, if any: it serves the
  // first attempt only, and only if it starts where this chunk does.
  std::unique_ptr<ChunkPrefetch> prefetched = std::move(prefetch_);
  // The read of the next chunk's first slice this chunk starts: kept once this chunk commits.
  std::unique_ptr<ChunkPrefetch> next;
  const bool read_ahead = prefetch_enabled_ && ChunkPrefetch::Supported(context_.db->dialect());
  absl::Status status = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    std::unique_ptr<ChunkPrefetch> ready = std::move(prefetched);
    next.reset();
    used_numbers = 0;
    claim_lost = false;
    more = true;
    completed = false;
    chunk_outcomes.clear();
    const absl::Time now = context_.source.clock->Now();
    ASSIGN_OR_RETURN(std::optional<ApplyCursor> batch, BatchStore::FindApplyCursor(tx, key));
    if (!batch || batch->state != kBatchApplying) {
      more = false;
      return absl::OkStatus();
    }
    if (batch->lease_owner != context_.instance_id) return claim_lost_status(key);
    program = batch->program;  // for the metrics, once committed
    ChunkWork work{.key = key,
                   .program = batch->program,
                   .body = batch->liaison_body,
                   .batch_id = batch->batch_id,
                   .phase = batch->phase,
                   .now = now,
                   .topic = events::Topic(events::kRegistrationDomain, batch->program),
                   .numbers = numbers,
                   .counts = batch->outcome_counts};
    // The chunk is read and decided a slice at a time, so that memory follows the slice while
    // the transaction (its commit, its index pages written once) covers the whole chunk.
    int64_t after_row = batch->after_row;
    int64_t rows_applied = 0;
    bool phase_done = false;
    while (!phase_done && rows_applied < chunk_rows_) {
      const int64_t limit = std::min<int64_t>(slice_rows_, chunk_rows_ - rows_applied);
      const ChunkPrefetch::At at{key, work.phase, after_row, batch->processing_date, limit};
      std::optional<std::vector<ChunkRow>> ahead;
      if (ready && ready->at() == at) {
        ASSIGN_OR_RETURN(ahead, ready->Take(tx));
      }
      ready.reset();
      std::vector<ChunkRow> rows;
      if (ahead) {
        rows = std::move(*ahead);
      } else {
        ASSIGN_OR_RETURN(rows, BatchStore::ReadChunk(tx, key, work.phase, after_row, batch->processing_date, limit));
      }
      if (context_.metrics) context_.metrics->slices.Add({{"read", ahead ? "ahead" : "in_transaction"}}).Increment();
      if (!rows.empty()) after_row = rows.back().row.row_number;
      rows_applied += static_cast<int64_t>(rows.size());
      phase_done = static_cast<int64_t>(rows.size()) < limit;
      if (!phase_done && rows_applied == chunk_rows_ && read_ahead) {
        // The next chunk's first slice, read while this chunk is decided and written.
        next = std::make_unique<ChunkPrefetch>(*context_.db,
                                               ChunkPrefetch::At{key, work.phase, after_row, batch->processing_date,
                                                                 std::min<int64_t>(slice_rows_, chunk_rows_)});
      }
      RETURN_IF_ERROR(ApplySlice(tx, work, rows));
    }
    if (next) RETURN_IF_ERROR(next->StartedBy(tx, std::move(work.registered)));
    used_numbers = work.used_numbers;
    chunk_outcomes = std::move(work.chunk_outcomes);
    ApplyProgress progress;
    progress.phase = work.phase;
    progress.after_row = after_row;
    progress.rows_applied = rows_applied;
    progress.state = kBatchApplying;
    if (phase_done) {
      if (work.phase == ApplyPhase::kHeadsAndSingles) {
        progress.phase = ApplyPhase::kDependents;
        progress.after_row = 0;
      } else {
        progress.state = kBatchCompleted;
        progress.completed_at_us = Micros(now);
        completed = true;
        more = false;
        v1::BatchCompleted done;
        done.set_batch_id(work.batch_id);
        done.set_liaison_body(work.body);
        done.set_program(work.program);
        int64_t total = 0;
        for (const auto& [o, n] : work.counts) {
          (*done.mutable_outcomes())[o] = n;
          total += n;
        }
        done.set_rows(total);
        *done.mutable_completed_at() = ToTimestamp(Micros(now));
        RETURN_IF_ERROR(events::AppendManyToOutbox(
            tx, {{work.topic, events::NewEnvelope(context_.source, done, work.program, key)}}, *context_.source.clock));
      }
    }
    progress.outcome_counts = work.counts;
    progress.lease_until_us = Micros(now) + absl::ToInt64Microseconds(kApplyLease);
    ASSIGN_OR_RETURN(bool saved, BatchStore::SaveProgress(tx, key, context_.instance_id, progress));
    if (!saved) return claim_lost_status(key);
    return absl::OkStatus();
  });
  context_.numbers->GiveBack(
      std::vector<std::string>(numbers.begin() + (status.ok() ? used_numbers : 0), numbers.end()));
  if (claim_lost) {
    // Another process holds the batch now (our lease ran out): it goes on from the last chunk
    // committed, and this one stops.
    log::Warn("batch apply claim lost", {{"batch", key}});
    return false;
  }
  RETURN_IF_ERROR(status);
  if (more) prefetch_ = std::move(next);
  ForgetOldDecisionWrites();
  on_commit_();
  if (context_.metrics) {
    for (const auto& [outcome, n] : chunk_outcomes) {
      context_.metrics->rows.Add({{"program", program}, {"outcome", outcome}}).Increment(static_cast<double>(n));
    }
  }
  if (completed) {
    CountBatch(context_, program, "completed");
    log::Info("batch completed", {{"batch", key}});
    purge_pending_ = true;  // its staged rows go once nothing else is waiting (PurgeSlice)
  }
  return more;
}

void BatchApplier::ForgetOldDecisionWrites() {
  const absl::Time now = absl::Now();
  if (!ChunkPrefetch::Supported(context_.db->dialect()) || now < next_writes_purge_) return;
  next_writes_purge_ = now + absl::Minutes(1);
  absl::Status purged = context_.db->Write(ChunkPrefetch::ForgetOldNotes);
  if (!purged.ok()) log::Warn("old decision writes not deleted", {{"error", purged}});
}

absl::StatusOr<bool> BatchApplier::PurgeSlice() {
  if (!purge_pending_) return false;
  int64_t deleted = 0;
  RETURN_IF_ERROR(context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(deleted, BatchStore::PurgeCompletedStagedRows(tx, kPurgeRows));
    return absl::OkStatus();
  }));
  purge_pending_ = deleted > 0;
  return purge_pending_;
}

absl::Status BatchApplier::ApplyAllReady() {
  while (true) {
    ASSIGN_OR_RETURN(std::string key, Claim());
    if (key.empty()) {
      while (true) {
        ASSIGN_OR_RETURN(bool more, PurgeSlice());
        if (!more) return absl::OkStatus();
      }
    }
    while (true) {
      absl::StatusOr<bool> more = ApplyChunk(key);
      if (absl::IsAlreadyExists(more.status())) continue;  // raced another registration: redo
      RETURN_IF_ERROR(more.status());
      if (!*more) break;
    }
  }
}

absl::Duration BatchApplier::Pass() {
  absl::StatusOr<std::string> key = Claim();
  if (!key.ok()) {
    log::Warn("batch claim failed", {{"error", key.status()}});
    return absl::Seconds(1);
  }
  if (key->empty()) {
    ForgetOldDecisionWrites();
    // Idle: the staged copies of completed batches go, a slice at a time, so that the outbox
    // relay and the next batch are never kept waiting behind one long delete.
    absl::StatusOr<bool> more = PurgeSlice();
    if (!more.ok()) log::Warn("staged rows not purged", {{"error", more.status()}});
    return more.value_or(false) ? absl::ZeroDuration() : absl::Seconds(1);
  }
  while (!loop_.stopping()) {
    absl::StatusOr<bool> more = ApplyChunk(*key);
    if (absl::IsAlreadyExists(more.status())) continue;  // raced another registration: redo
    if (!more.ok()) {
      log::Warn("batch chunk failed; will retry", {{"batch", *key}, {"error", more.status()}});
      return absl::Seconds(1);
    }
    if (!*more) break;
  }
  return absl::ZeroDuration();  // another batch may be ready
}

}  // namespace himaya::registration
