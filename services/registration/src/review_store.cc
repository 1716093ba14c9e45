#include "registration/src/review_store.h"

#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::registration {

absl::Status ReviewStore::Insert(storage::Transaction& tx, const std::vector<NewReview>& reviews) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(reviews.size());
  for (const NewReview& r : reviews) {
    rows.push_back({r.review_id, r.batch_key, r.row_number, r.record_id, r.candidate_registration_number, "PENDING",
                    r.row_data, r.created_at_us});
  }
  return storage::InsertRows(tx, "reviews",
                             {"review_id", "batch_key", "row_number", "record_id", "candidate_registration_number",
                              "state", "row_data", "created_at_us"},
                             rows)
      .status();
}

absl::Status ReviewStore::Hold(storage::Transaction& tx, const std::vector<HeldDependent>& held) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(held.size());
  for (const HeldDependent& h : held) {
    rows.push_back({h.batch_key, h.row_number, h.head_row_number, h.relationship, h.row_data});
  }
  return storage::InsertRows(tx, "held_dependents",
                             {"batch_key", "row_number", "head_row_number", "relationship", "row_data"}, rows)
      .status();
}

}  // namespace himaya::registration
