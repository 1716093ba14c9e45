#include "registration/src/number_allocator.h"

#include <algorithm>

#include "core/status_macros.h"
#include "identity/registration_number.h"

namespace himaya::registration {

absl::StatusOr<std::vector<std::string>> NumberAllocator::Take(size_t n) {
  absl::MutexLock lock(&mu_);
  while (available_.size() < n) {
    const int64_t want = std::max<int64_t>(block_size_, static_cast<int64_t>(n - available_.size()));
    int64_t first = 0;
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("UPDATE sequences SET next_value = next_value + $1 "
                                           "WHERE name = 'registration_number' "
                                           "RETURNING next_value - $1",
                                           {want}));
      if (rows.empty()) return absl::InternalError("sequences: registration_number is missing");
      first = rows.front().Int(0);
      return absl::OkStatus();
    }));
    if (first + want - 1 > identity::kLastSequence) {
      return absl::ResourceExhaustedError("registration numbers: the sequence is exhausted");
    }
    for (int64_t s = first; s < first + want; ++s) available_.push_back(identity::FormatRegistrationNumber(s));
  }
  std::vector<std::string> out(available_.begin(), available_.begin() + n);
  available_.erase(available_.begin(), available_.begin() + n);
  return out;
}

void NumberAllocator::GiveBack(std::vector<std::string> numbers) {
  absl::MutexLock lock(&mu_);
  // Oldest first, so numbers keep roughly the order of registration.
  for (auto it = numbers.rbegin(); it != numbers.rend(); ++it) available_.push_front(std::move(*it));
}

}  // namespace himaya::registration
