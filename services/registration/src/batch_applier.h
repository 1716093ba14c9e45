// Applying received liaison batches (batch_intake.h), in the background: a batch is claimed
// (leased, so that two processes never apply one batch at once), then its staged rows are applied
// a chunk per transaction. A chunk is read a slice at a time, each row decided by DecideRow
// (row_decision.h), and each slice's outcomes, persons, household members, reviews and events are
// written before the next slice is read; the chunk's cursor moves when it commits. The staged
// rows of a completed batch are deleted later, when no batch is waiting.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "core/background_loop.h"
#include "registration/src/batch_intake.h"
#include "registration/src/batch_store.h"
#include "registration/src/chunk_prefetch.h"

namespace himaya::registration {

// Applies batches that finished receiving, on a background loop; resumes, at start, the
// batches a stopped process left half applied.
class BatchApplier {
 public:
  // A transaction applies up to `chunk_rows` rows, read and decided `slice_rows` at a time.
  explicit BatchApplier(
      IntakeContext context, std::function<void()> on_commit = [] {}, int chunk_rows = 2000, int slice_rows = 2000);
  ~BatchApplier();

  void Start();
  void Stop();
  // A batch is ready: look now rather than at the next poll.
  void Wake();
  // Applies every ready batch to the end, on the calling thread (tests, tools).
  absl::Status ApplyAllReady();
  // Whether each chunk reads the next one's first slice while it is decided and written, where
  // the backend allows (chunk_prefetch.h). On by default; set before Start.
  void set_read_ahead(bool on) { prefetch_enabled_ = on; }

 private:
  // One pass of the background loop: claims a batch and applies it to the end (or until
  // stopping); returns how long to idle.
  absl::Duration Pass();
  // Claims one APPLYING batch; empty when none is free.
  absl::StatusOr<std::string> Claim();
  // Applies the next chunk of `key`; returns false when the batch is complete, or when another
  // process took it over (this one's lease ran out).
  absl::StatusOr<bool> ApplyChunk(const std::string& key);
  struct ChunkWork;
  // Decides one slice of a chunk's rows and writes what follows from them (persons, activities,
  // reviews, household members, held dependents, outcomes, events) in the chunk's transaction.
  absl::Status ApplySlice(storage::Transaction& tx, ChunkWork& work, const std::vector<ChunkRow>& rows);
  // Deletes a slice of the staged rows of completed batches; true when more may remain.
  absl::StatusOr<bool> PurgeSlice();
  // Deletes the notes of decision writes older than any read ahead (PostgreSQL), once a minute.
  void ForgetOldDecisionWrites();

  IntakeContext context_;
  std::function<void()> on_commit_;
  const int chunk_rows_;
  const int slice_rows_;
  // Whether a chunk reads the next chunk's first slice while it is decided and written
  // (chunk_prefetch.h).
  bool prefetch_enabled_ = true;
  // That read, kept from the chunk that committed last, for the next; touched by the applying
  // thread only.
  std::unique_ptr<ChunkPrefetch> prefetch_;
  absl::Time next_writes_purge_ = absl::InfinitePast();
  // Staged rows of completed batches may remain (true at start: a process stopped before
  // purging); touched by the applying thread only.
  bool purge_pending_ = true;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::registration
