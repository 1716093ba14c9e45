#include "registration/src/reviews.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "nlohmann/json.hpp"
#include "registration/src/households.h"
#include "registration/src/person_rules.h"
#include "registration/src/person_store.h"
#include "registration/src/registrar.h"
#include "registration/src/staged_row.h"

namespace himaya::registration {
namespace {

constexpr char kSelect[] =
    "SELECT v.review_id, b.liaison_body, b.batch_id, v.record_id, v.candidate_registration_number, "
    "v.state, v.decided_by, v.registration_number, v.row_data, b.program, v.batch_key, v.row_number, "
    "(SELECT COUNT(*) FROM held_dependents d WHERE d.batch_key = v.batch_key AND d.head_row_number = v.row_number) "
    "FROM reviews v JOIN batches b ON b.batch_key = v.batch_key ";

v1::Review FromRow(const storage::Row& r) {
  v1::Review review;
  review.set_review_id(r.Text(0));
  review.set_liaison_body(r.Text(1));
  review.set_batch_id(r.Text(2));
  review.set_record_id(r.Text(3));
  review.set_candidate_registration_number(r.Text(4));
  review.set_state(r.Text(5));
  review.set_decided_by(r.Text(6));
  review.set_registration_number(r.Text(7));
  review.set_household_members_waiting(static_cast<int32_t>(r.Int(12)));
  absl::StatusOr<nlohmann::json> data = ParseStagedRow(r.Text(8));
  if (data.ok()) {
    review.set_cin(StagedText(*data, "cin"));
    review.set_last_name(StagedText(*data, "last_name"));
    review.set_first_name(StagedText(*data, "first_name"));
    review.set_birth_date(StagedText(*data, "birth_date"));
  }
  return review;
}

// The spouse and children held while their head was in review join the person the decision
// gave (a new one, or the one merged with).
absl::StatusOr<int> AttachHeldDependents(storage::Transaction& tx, const std::string& batch_key, int64_t head_row,
                                         const std::string& head_number, MemberSource from,
                                         const events::EventSource& source) {
  ASSIGN_OR_RETURN(auto held, tx.Query("SELECT row_number, relationship, row_data FROM held_dependents "
                                       "WHERE batch_key = $1 AND head_row_number = $2 ORDER BY row_number",
                                       {batch_key, head_row}));
  HouseholdMembers members(source);
  for (const storage::Row& r : held) {
    ASSIGN_OR_RETURN(nlohmann::json data, ParseStagedRow(r.Text(2)));
    from.row_number = r.Int(0);
    members.Add(head_number,
                {r.Text(1), StagedText(data, "cin"), StagedText(data, "last_name"), StagedText(data, "first_name"),
                 StagedText(data, "birth_date"), StagedText(data, "sex")},
                from);
    RETURN_IF_ERROR(tx.Execute("UPDATE batch_outcomes SET registration_number = $3, "
                               "reasons = reasons || ';household_id:ATTACHED_AFTER_REVIEW' "
                               "WHERE batch_key = $1 AND row_number = $2",
                               {batch_key, r.Int(0), head_number})
                        .status());
  }
  RETURN_IF_ERROR(members.Write(tx));
  RETURN_IF_ERROR(
      tx.Execute("DELETE FROM held_dependents WHERE batch_key = $1 AND head_row_number = $2", {batch_key, head_row})
          .status());
  return static_cast<int>(held.size());
}

}  // namespace

absl::StatusOr<ReviewPage> ReviewQueue::List(const std::string& given_state, int page_size,
                                             const std::string& page_token) {
  const std::string state = given_state.empty() ? "PENDING" : given_state;
  if (state != "PENDING" && state != "REGISTERED" && state != "MERGED" && state != "ALREADY_REGISTERED") {
    return absl::InvalidArgumentError("state: PENDING, REGISTERED, MERGED or ALREADY_REGISTERED");
  }
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  const int64_t size = page_size == 0 ? 100 : std::min(page_size, kMaxReviewPageSize);
  RETURN_IF_ERROR(CheckIdentifier("page_token", page_token));
  ReviewPage page;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    page = ReviewPage();
    // The page starts after the token's review, in the list's order.
    std::vector<storage::Value> after = {int64_t{-1}, "", int64_t{-1}};
    if (!page_token.empty()) {
      ASSIGN_OR_RETURN(auto token, tx.Query("SELECT created_at_us, batch_key, row_number FROM reviews "
                                            "WHERE review_id = $1",
                                            {page_token}));
      if (token.empty()) return absl::InvalidArgumentError("page_token: not one a page of reviews gave");
      after = {token[0].Int(0), token[0].Text(1), token[0].Int(2)};
    }
    ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat(kSelect,
                                                      "WHERE v.state = $1 AND (v.created_at_us > $2 OR "
                                                      "(v.created_at_us = $2 AND (v.batch_key > $3 OR "
                                                      "(v.batch_key = $3 AND v.row_number > $4)))) "
                                                      "ORDER BY v.created_at_us, v.batch_key, v.row_number LIMIT $5"),
                                         {state, after[0], after[1], after[2], size + 1}));
    for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < size; ++i) page.reviews.push_back(FromRow(rows[i]));
    if (static_cast<int64_t>(rows.size()) > size) page.next_page_token = page.reviews.back().review_id();
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<v1::Review> ReviewQueue::Decide(const std::string& review_id, v1::DecideReviewRequest::Decision decision,
                                               const std::string& agent) {
  RETURN_IF_ERROR(CheckRequiredIdentifier("review_id", review_id));
  if (agent.empty()) return absl::InvalidArgumentError("agent: who decides is required");
  RETURN_IF_ERROR(CheckLength("agent", agent, kMaxNameChars));
  if (!IsPrintable(agent)) return absl::InvalidArgumentError("agent: holds control characters");
  if (decision != v1::DecideReviewRequest::REGISTER_AS_NEW &&
      decision != v1::DecideReviewRequest::MERGE_WITH_EXISTING) {
    return absl::InvalidArgumentError("decision: REGISTER_AS_NEW or MERGE_WITH_EXISTING");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> number, numbers_.Take(1));
  bool used_number = false;
  v1::Review decided;
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    used_number = false;
    const absl::Time now = source_.clock->Now();
    ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat(kSelect, "WHERE v.review_id = $1"), {review_id}));
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("review ", review_id, " is unknown"));
    v1::Review review = FromRow(rows[0]);
    if (review.state() != "PENDING") {
      return absl::FailedPreconditionError(absl::StrCat("review ", review_id, " was already decided (", review.state(),
                                                        " by ", review.decided_by(), ")"));
    }
    const std::string program = rows[0].Text(9);
    const std::string batch_key = rows[0].Text(10);
    ASSIGN_OR_RETURN(nlohmann::json data, ParseStagedRow(rows[0].Text(8)));
    // The CIN may have been registered since (another batch, a counter): the row then joins that
    // person, whatever the decision asked, as a batch row with a registered CIN would have.
    ASSIGN_OR_RETURN(auto existing, PersonStore::FindByCin(tx, review.cin()));
    std::string result_number;
    if (existing) {
      result_number = existing->registration_number;
    } else if (decision == v1::DecideReviewRequest::REGISTER_AS_NEW) {
      Person p = PersonFromStagedRow(data, program, now);
      p.registration_number = number.front();
      RETURN_IF_ERROR(PersonStore::Insert(tx, p));
      RETURN_IF_ERROR(events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, program),
                                             PersonRegisteredEvent(source_, p), *source_.clock));
      result_number = p.registration_number;
      used_number = true;
    } else {
      result_number = review.candidate_registration_number();
      RETURN_IF_ERROR(tx.Execute("INSERT INTO cin_aliases (cin, registration_number, reason) VALUES ($1, $2, $3)",
                                 {review.cin(), result_number, absl::StrCat("review ", review_id, " by ", agent)})
                          .status());
    }
    RETURN_IF_ERROR(tx.Execute("INSERT INTO activities (registration_number, program, category, liaison_body, "
                               "professional_id, batch_key, recorded_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                               {result_number, program, StagedText(data, "category"), review.liaison_body(),
                                StagedText(data, "professional_id"), batch_key, absl::ToUnixMicros(now)})
                        .status());
    const std::string state = existing ? "ALREADY_REGISTERED" : used_number ? "REGISTERED" : "MERGED";
    ASSIGN_OR_RETURN(int attached,
                     AttachHeldDependents(tx, batch_key, rows[0].Int(11), result_number,
                                          {program, review.liaison_body(), review.batch_id(), batch_key, 0}, source_));
    review.set_household_members_waiting(0);
    review.set_household_members_attached(attached);
    // The batch's report shows the decision, and the number, beside the outcome intake gave.
    RETURN_IF_ERROR(tx.Execute("UPDATE batch_outcomes SET registration_number = $3, "
                               "reasons = reasons || $4 WHERE batch_key = $1 AND row_number = $2",
                               {batch_key, rows[0].Int(11), result_number, absl::StrCat(";review:", state)})
                        .status());
    RETURN_IF_ERROR(tx.Execute("UPDATE reviews SET state = $2, decided_by = $3, decided_at_us = $4, "
                               "registration_number = $5 WHERE review_id = $1",
                               {review_id, state, agent, absl::ToUnixMicros(now), result_number})
                        .status());
    review.set_state(state);
    review.set_decided_by(agent);
    review.set_registration_number(result_number);
    decided = review;
    return absl::OkStatus();
  });
  if (!status.ok() || !used_number) numbers_.GiveBack(std::move(number));
  RETURN_IF_ERROR(status);
  log::Info(
      "review decided",
      {{"review_id", review_id}, {"state", decided.state()}, {"registration_number", decided.registration_number()}});
  on_commit_();
  return decided;
}

}  // namespace himaya::registration
