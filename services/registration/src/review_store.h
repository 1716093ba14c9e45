// The review queue in the database: `reviews` (batch rows that look like a registered person,
// waiting for an agent's decision) and `held_dependents` (the spouse and children of a head in
// review, waiting with it). The SQL of these tables lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace himaya::registration {

// A row sent to review by the batch applier (PENDING).
struct NewReview {
  std::string review_id;
  std::string batch_key;
  int64_t row_number = 0;
  std::optional<std::string> record_id;
  std::string candidate_registration_number;
  std::string row_data;  // the staged row, JSON
  int64_t created_at_us = 0;
};

// A spouse or child held while its head is in review.
struct HeldDependent {
  std::string batch_key;
  int64_t row_number = 0;
  int64_t head_row_number = 0;
  std::string relationship;
  std::string row_data;  // the staged row, JSON
};

class ReviewStore {
 public:
  static absl::Status Insert(storage::Transaction& tx, const std::vector<NewReview>& reviews);
  static absl::Status Hold(storage::Transaction& tx, const std::vector<HeldDependent>& held);
};

}  // namespace himaya::registration
