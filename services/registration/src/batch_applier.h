// Applying received liaison batches (batch_intake.h), in the background: a batch is claimed
// (leased, so that two processes never apply one batch at once), then its staged rows are read
// a chunk at a time, each decided by DecideRow (row_decision.h), and the chunk's outcomes,
// persons, household members, reviews, events and cursor are written in one transaction.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "registration/src/batch_intake.h"

namespace himaya::registration {

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
