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

// A review as the queue reads it, with its batch.
struct StoredReview {
  std::string review_id;
  std::string liaison_body;
  std::string batch_id;
  std::string record_id;
  std::string candidate_registration_number;
  std::string state;
  std::string decided_by;
  std::string registration_number;
  std::string row_data;  // the staged row, JSON
  std::string program;
  std::string batch_key;
  int64_t row_number = 0;
  int64_t household_members_waiting = 0;
};

// Where a review stands in the queue's order (oldest first, then by batch and row).
struct ReviewPosition {
  int64_t created_at_us = -1;
  std::string batch_key;
  int64_t row_number = -1;
};

// The rows of one program waiting for an agent's review, and when the oldest was sent there.
struct PendingReviews {
  std::string program;
  int64_t rows = 0;
  int64_t oldest_created_at_us = 0;
};

class ReviewStore {
 public:
  // The PENDING reviews by their batch's program.
  static absl::StatusOr<std::vector<PendingReviews>> CountPending(storage::Transaction& tx);
  static absl::Status Insert(storage::Transaction& tx, const std::vector<NewReview>& reviews);
  static absl::Status Hold(storage::Transaction& tx, const std::vector<HeldDependent>& held);

  static absl::StatusOr<std::optional<StoredReview>> Find(storage::Transaction& tx, absl::string_view review_id);
  static absl::StatusOr<std::optional<ReviewPosition>> FindPosition(storage::Transaction& tx,
                                                                    absl::string_view review_id);
  // Up to `limit` reviews in `state` after `after`, in the queue's order.
  static absl::StatusOr<std::vector<StoredReview>> List(storage::Transaction& tx, absl::string_view state,
                                                        const ReviewPosition& after, int64_t limit);
  static absl::Status RecordDecision(storage::Transaction& tx, absl::string_view review_id, absl::string_view state,
                                     absl::string_view agent, int64_t decided_at_us,
                                     absl::string_view registration_number);

  // The dependents held with the head of row `head_row`, in file order.
  static absl::StatusOr<std::vector<HeldDependent>> HeldWith(storage::Transaction& tx, absl::string_view batch_key,
                                                             int64_t head_row);
  static absl::Status Release(storage::Transaction& tx, absl::string_view batch_key, int64_t head_row);
};

}  // namespace himaya::registration
