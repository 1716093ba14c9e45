#include "registration/src/reviews.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "nlohmann/json.hpp"
#include "registration/src/batch_store.h"
#include "registration/src/households.h"
#include "registration/src/person_rules.h"
#include "registration/src/person_store.h"
#include "registration/src/registrar.h"
#include "registration/src/review_store.h"
#include "registration/src/staged_row.h"

namespace himaya::registration {
namespace {

Review FromStored(const StoredReview& r) {
  Review review;
  review.review_id = r.review_id;
  review.liaison_body = r.liaison_body;
  review.batch_id = r.batch_id;
  review.record_id = r.record_id;
  review.candidate_registration_number = r.candidate_registration_number;
  review.state = r.state;
  review.decided_by = r.decided_by;
  review.registration_number = r.registration_number;
  review.household_members_waiting = static_cast<int32_t>(r.household_members_waiting);
  absl::StatusOr<nlohmann::json> data = ParseStagedRow(r.row_data);
  if (data.ok()) {
    review.cin = StagedText(*data, "cin");
    review.last_name = StagedText(*data, "last_name");
    review.first_name = StagedText(*data, "first_name");
    review.birth_date = StagedText(*data, "birth_date");
  }
  return review;
}

// The row's program now applies to a person registered before (merged by the agent, or who
// registered meanwhile): the event says so, with neither the row's CIN nor its names.
events::Envelope PersonMergedEvent(const events::EventSource& source, const Review& review, const std::string& number,
                                   const std::string& program, const std::string& category, absl::Time now) {
  v1::PersonMerged event;
  event.set_registration_number(number);
  event.set_program(program);
  event.set_category(category);
  event.set_liaison_body(review.liaison_body);
  event.set_batch_id(review.batch_id);
  event.set_review_id(review.review_id);
  *event.mutable_merged_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  return events::NewEnvelope(source, event, program, number);
}

// The spouse and children held while their head was in review join the person the decision
// gave (a new one, or the one merged with).
absl::StatusOr<int> AttachHeldDependents(storage::Transaction& tx, const std::string& batch_key, int64_t head_row,
                                         const std::string& head_number, MemberSource from,
                                         const events::EventSource& source) {
  ASSIGN_OR_RETURN(std::vector<HeldDependent> held, ReviewStore::HeldWith(tx, batch_key, head_row));
  HouseholdMembers members(source);
  for (const HeldDependent& h : held) {
    ASSIGN_OR_RETURN(nlohmann::json data, ParseStagedRow(h.row_data));
    from.row_number = h.row_number;
    members.Add(head_number,
                {h.relationship, StagedText(data, "cin"), StagedText(data, "last_name"), StagedText(data, "first_name"),
                 StagedText(data, "birth_date"), StagedText(data, "sex")},
                from);
    RETURN_IF_ERROR(
        BatchStore::AmendOutcome(tx, batch_key, h.row_number, head_number, ";household_id:ATTACHED_AFTER_REVIEW"));
  }
  RETURN_IF_ERROR(members.Write(tx));
  RETURN_IF_ERROR(ReviewStore::Release(tx, batch_key, head_row));
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
    ReviewPosition after;
    if (!page_token.empty()) {
      ASSIGN_OR_RETURN(std::optional<ReviewPosition> token, ReviewStore::FindPosition(tx, page_token));
      if (!token) return absl::InvalidArgumentError("page_token: not one a page of reviews gave");
      after = *token;
    }
    ASSIGN_OR_RETURN(std::vector<StoredReview> rows, ReviewStore::List(tx, state, after, size + 1));
    for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < size; ++i)
      page.reviews.push_back(FromStored(rows[i]));
    if (static_cast<int64_t>(rows.size()) > size) page.next_page_token = page.reviews.back().review_id;
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<Review> ReviewQueue::Decide(const std::string& review_id, ReviewDecision decision,
                                           const std::string& agent) {
  RETURN_IF_ERROR(CheckRequiredIdentifier("review_id", review_id));
  if (agent.empty()) return absl::InvalidArgumentError("agent: who decides is required");
  RETURN_IF_ERROR(CheckLength("agent", agent, kMaxNameChars));
  if (!IsPrintable(agent)) return absl::InvalidArgumentError("agent: holds control characters");
  if (decision != ReviewDecision::kRegisterAsNew && decision != ReviewDecision::kMergeWithExisting) {
    return absl::InvalidArgumentError("decision: REGISTER_AS_NEW or MERGE_WITH_EXISTING");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> number, numbers_.Take(1));
  bool used_number = false;
  Review decided;
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    used_number = false;
    const absl::Time now = source_.clock->Now();
    ASSIGN_OR_RETURN(std::optional<StoredReview> stored, ReviewStore::Find(tx, review_id));
    if (!stored) return absl::NotFoundError(absl::StrCat("review ", review_id, " is unknown"));
    Review review = FromStored(*stored);
    if (review.state != "PENDING") {
      return absl::FailedPreconditionError(
          absl::StrCat("review ", review_id, " was already decided (", review.state, " by ", review.decided_by, ")"));
    }
    const std::string& program = stored->program;
    const std::string& batch_key = stored->batch_key;
    ASSIGN_OR_RETURN(nlohmann::json data, ParseStagedRow(stored->row_data));
    // The CIN may have been registered since (another batch, a counter): the row then joins that
    // person, whatever the decision asked, as a batch row with a registered CIN would have.
    ASSIGN_OR_RETURN(auto existing, PersonStore::FindByCin(tx, review.cin));
    std::string result_number;
    if (existing) {
      result_number = existing->registration_number;
    } else if (decision == ReviewDecision::kRegisterAsNew) {
      Person p = PersonFromStagedRow(data, program, now);
      p.registration_number = number.front();
      RETURN_IF_ERROR(PersonStore::Insert(tx, p));
      RETURN_IF_ERROR(events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, program),
                                             PersonRegisteredEvent(source_, p), *source_.clock));
      result_number = p.registration_number;
      used_number = true;
    } else {
      result_number = review.candidate_registration_number;
      RETURN_IF_ERROR(
          PersonStore::AddCinAlias(tx, review.cin, result_number, absl::StrCat("review ", review_id, " by ", agent)));
    }
    const std::string category = StagedText(data, "category");
    RETURN_IF_ERROR(
        PersonStore::RecordActivities(tx, {{result_number, program, category, review.liaison_body,
                                            StagedText(data, "professional_id"), batch_key, absl::ToUnixMicros(now)}}));
    const std::string state = existing ? "ALREADY_REGISTERED" : used_number ? "REGISTERED" : "MERGED";
    // Before the household members it brings, which follow on the same key.
    if (!used_number) {
      RETURN_IF_ERROR(events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, program),
                                             PersonMergedEvent(source_, review, result_number, program, category, now),
                                             *source_.clock));
    }
    ASSIGN_OR_RETURN(int attached,
                     AttachHeldDependents(tx, batch_key, stored->row_number, result_number,
                                          {program, review.liaison_body, review.batch_id, batch_key, 0}, source_));
    review.household_members_waiting = 0;
    review.household_members_attached = attached;
    // The batch's report shows the decision, and the number, beside the outcome intake gave.
    RETURN_IF_ERROR(
        BatchStore::AmendOutcome(tx, batch_key, stored->row_number, result_number, absl::StrCat(";review:", state)));
    RETURN_IF_ERROR(ReviewStore::RecordDecision(tx, review_id, state, agent, absl::ToUnixMicros(now), result_number));
    review.state = state;
    review.decided_by = agent;
    review.registration_number = result_number;
    decided = review;
    return absl::OkStatus();
  });
  if (!status.ok() || !used_number) numbers_.GiveBack(std::move(number));
  RETURN_IF_ERROR(status);
  log::Info("review decided",
            {{"review_id", review_id}, {"state", decided.state}, {"registration_number", decided.registration_number}});
  on_commit_();
  return decided;
}

}  // namespace himaya::registration
