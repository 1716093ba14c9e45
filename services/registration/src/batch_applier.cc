#include "registration/src/batch_applier.h"

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

BatchApplier::BatchApplier(IntakeContext context, std::function<void()> on_commit, int chunk_rows)
    : context_(std::move(context)), on_commit_(std::move(on_commit)), chunk_rows_(chunk_rows) {}

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
  absl::Status status = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
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
    program = batch->program;
    const std::string& body = batch->liaison_body;
    const std::string& batch_id = batch->batch_id;
    const ApplyPhase phase = batch->phase;
    OutcomeCounts counts = batch->outcome_counts;

    ASSIGN_OR_RETURN(std::vector<ChunkRow> rows,
                     BatchStore::ReadChunk(tx, key, phase, batch->after_row, batch->processing_date, chunk_rows_));
    std::vector<RowOutcome> outcomes;
    std::vector<Person> persons;
    std::vector<Activity> activities;
    std::vector<NewReview> reviews;
    std::vector<HeldDependent> held;
    HouseholdMembers members(context_.source);
    std::vector<events::OutgoingEvent> outgoing;
    const std::string topic = events::Topic(events::kRegistrationDomain, program);
    // Persons registered earlier in this chunk, which the query could not yet see.
    std::map<std::string, std::string> chunk_lookalikes;
    for (const ChunkRow& c : rows) {
      const StagedRow& r = c.row;
      const std::string lookalike_key = absl::StrCat(TextOf(r.birth_date), "|", TextOf(r.sex), "|", TextOf(r.name_key));
      std::optional<std::string> registered_in_chunk;
      if (auto it = chunk_lookalikes.find(lookalike_key); it != chunk_lookalikes.end()) {
        registered_in_chunk = it->second;
      }
      RowDecision decision = DecideRow(r, c.found, phase, registered_in_chunk);
      auto activity = [&](const std::string& registration_number) {
        activities.push_back({registration_number, program, NonEmpty(TextOf(r.category)), body,
                              NonEmpty(TextOf(r.professional_id)), key, Micros(now)});
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
                      {program, body, batch_id, key, r.row_number});
          break;
        case RowAction::kSendToReview:
          reviews.push_back({core::NewUuid(*context_.source.random), key, r.row_number, NonEmpty(TextOf(r.record_id)),
                             decision.review_candidate, StagedRowJson(r).dump(), Micros(now)});
          break;
        case RowAction::kRegister: {
          if (used_numbers == numbers.size()) return absl::InternalError("numbers ran out in a chunk");
          Person person = PersonFromStagedRow(r, program, now);
          person.registration_number = numbers[used_numbers++];
          decision.registration_number = person.registration_number;
          activity(decision.registration_number);
          outgoing.push_back({topic, PersonRegisteredEvent(context_.source, person)});
          chunk_lookalikes[lookalike_key] = decision.registration_number;
          persons.push_back(std::move(person));
          break;
        }
      }
      const std::string& outcome = decision.outcome;
      outcomes.push_back({r.row_number, NonEmpty(TextOf(r.record_id)), outcome, NonEmpty(decision.registration_number),
                          NonEmpty(decision.reasons)});
      ++counts[outcome];
      ++chunk_outcomes[outcome];
    }
    RETURN_IF_ERROR(PersonStore::InsertMany(tx, persons));
    RETURN_IF_ERROR(PersonStore::RecordActivities(tx, activities));
    RETURN_IF_ERROR(ReviewStore::Insert(tx, reviews));
    RETURN_IF_ERROR(members.Write(tx));
    RETURN_IF_ERROR(ReviewStore::Hold(tx, held));
    RETURN_IF_ERROR(BatchStore::InsertOutcomes(tx, key, outcomes));
    ApplyProgress progress;
    progress.phase = phase;
    progress.after_row = rows.empty() ? batch->after_row : rows.back().row.row_number;
    progress.rows_applied = static_cast<int64_t>(rows.size());
    progress.state = kBatchApplying;
    if (static_cast<int>(rows.size()) < chunk_rows_) {
      if (phase == ApplyPhase::kHeadsAndSingles) {
        progress.phase = ApplyPhase::kDependents;
        progress.after_row = 0;
      } else {
        progress.state = kBatchCompleted;
        progress.completed_at_us = Micros(now);
        completed = true;
        more = false;
        v1::BatchCompleted done;
        done.set_batch_id(batch_id);
        done.set_liaison_body(body);
        done.set_program(program);
        int64_t total = 0;
        for (const auto& [o, n] : counts) {
          (*done.mutable_outcomes())[o] = n;
          total += n;
        }
        done.set_rows(total);
        *done.mutable_completed_at() = ToTimestamp(Micros(now));
        outgoing.push_back({topic, events::NewEnvelope(context_.source, done, program, key)});
      }
    }
    RETURN_IF_ERROR(events::AppendManyToOutbox(tx, outgoing, *context_.source.clock));
    progress.outcome_counts = counts;
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
