// Hands out registration numbers from blocks reserved in the database, so that processes and
// replicas never collide and a registration needs no round trip for its number. A block is
// reserved in a transaction of its own, committed before any number of it is used: a number can
// therefore be lost (a gap, when a process stops with part of a block unused) but never given
// twice.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/database.h"

namespace himaya::registration {

class NumberAllocator {
 public:
  explicit NumberAllocator(storage::Database& db, int block_size = 1000) : db_(db), block_size_(block_size) {}

  // Returns `n` registration numbers for the caller's exclusive use. RESOURCE_EXHAUSTED when the
  // sequence is spent. Must not be called inside a transaction of the same database.
  absl::StatusOr<std::vector<std::string>> Take(size_t n);
  // Returns numbers taken but not used (their transaction rolled back), for later callers.
  void GiveBack(std::vector<std::string> numbers);

 private:
  storage::Database& db_;
  const int block_size_;
  absl::Mutex mu_;
  std::deque<std::string> available_ ABSL_GUARDED_BY(mu_);
};

}  // namespace himaya::registration
