#include "registration/src/review_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

constexpr char kSelect[] =
    "SELECT v.review_id, b.liaison_body, b.batch_id, v.record_id, v.candidate_registration_number, "
    "v.state, v.decided_by, v.registration_number, v.row_data, b.program, v.batch_key, v.row_number, "
    "(SELECT COUNT(*) FROM held_dependents d WHERE d.batch_key = v.batch_key AND d.head_row_number = v.row_number) "
    "FROM reviews v JOIN batches b ON b.batch_key = v.batch_key ";

StoredReview FromRow(const storage::Row& r) {
  StoredReview review;
  review.review_id = r.Text(0);
  review.liaison_body = r.Text(1);
  review.batch_id = r.Text(2);
  review.record_id = r.Text(3);
  review.candidate_registration_number = r.Text(4);
  review.state = r.Text(5);
  review.decided_by = r.Text(6);
  review.registration_number = r.Text(7);
  review.row_data = r.Text(8);
  review.program = r.Text(9);
  review.batch_key = r.Text(10);
  review.row_number = r.Int(11);
  review.household_members_waiting = r.Int(12);
  return review;
}

}  // namespace

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

absl::StatusOr<std::optional<StoredReview>> ReviewStore::Find(storage::Transaction& tx, absl::string_view review_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat(kSelect, "WHERE v.review_id = $1"), {review_id}));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

absl::StatusOr<std::optional<ReviewPosition>> ReviewStore::FindPosition(storage::Transaction& tx,
                                                                        absl::string_view review_id) {
  ASSIGN_OR_RETURN(auto token, tx.Query("SELECT created_at_us, batch_key, row_number FROM reviews "
                                        "WHERE review_id = $1",
                                        {review_id}));
  if (token.empty()) return std::nullopt;
  return ReviewPosition{token[0].Int(0), token[0].Text(1), token[0].Int(2)};
}

absl::StatusOr<std::vector<StoredReview>> ReviewStore::List(storage::Transaction& tx, absl::string_view state,
                                                            const ReviewPosition& after, int64_t limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat(kSelect,
                                                    "WHERE v.state = $1 AND (v.created_at_us > $2 OR "
                                                    "(v.created_at_us = $2 AND (v.batch_key > $3 OR "
                                                    "(v.batch_key = $3 AND v.row_number > $4)))) "
                                                    "ORDER BY v.created_at_us, v.batch_key, v.row_number LIMIT $5"),
                                       {state, after.created_at_us, after.batch_key, after.row_number, limit}));
  std::vector<StoredReview> reviews;
  reviews.reserve(rows.size());
  for (const storage::Row& r : rows) reviews.push_back(FromRow(r));
  return reviews;
}

absl::Status ReviewStore::RecordDecision(storage::Transaction& tx, absl::string_view review_id, absl::string_view state,
                                         absl::string_view agent, int64_t decided_at_us,
                                         absl::string_view registration_number) {
  return tx
      .Execute(
          "UPDATE reviews SET state = $2, decided_by = $3, decided_at_us = $4, "
          "registration_number = $5 WHERE review_id = $1",
          {review_id, state, agent, decided_at_us, registration_number})
      .status();
}

absl::StatusOr<std::vector<HeldDependent>> ReviewStore::HeldWith(storage::Transaction& tx, absl::string_view batch_key,
                                                                 int64_t head_row) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT row_number, relationship, row_data FROM held_dependents "
                                       "WHERE batch_key = $1 AND head_row_number = $2 ORDER BY row_number",
                                       {batch_key, head_row}));
  std::vector<HeldDependent> held;
  held.reserve(rows.size());
  for (const storage::Row& r : rows) held.push_back({std::string(batch_key), r.Int(0), head_row, r.Text(1), r.Text(2)});
  return held;
}

absl::Status ReviewStore::Release(storage::Transaction& tx, absl::string_view batch_key, int64_t head_row) {
  return tx.Execute("DELETE FROM held_dependents WHERE batch_key = $1 AND head_row_number = $2", {batch_key, head_row})
      .status();
}

absl::StatusOr<std::vector<PendingReviews>> ReviewStore::CountPending(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT b.program, COUNT(*), MIN(v.created_at_us) FROM reviews v "
                                       "JOIN batches b ON b.batch_key = v.batch_key WHERE v.state = 'PENDING' "
                                       "GROUP BY b.program"));
  std::vector<PendingReviews> pending;
  for (const storage::Row& r : rows) pending.push_back({r.Text(0), r.Int(1), r.Int(2)});
  return pending;
}

}  // namespace himaya::registration
