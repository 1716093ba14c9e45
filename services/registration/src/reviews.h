// The review queue: batch rows that look like a registered person under another CIN
// (NEEDS_REVIEW) wait for an agent, who registers them as a new person or merges them with the
// existing one. Every decision records who made it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/envelope.h"
#include "registration/src/number_allocator.h"
#include "storage/database.h"

namespace himaya::registration {

inline constexpr int kMaxReviewPageSize = 500;

// A batch row waiting for (or given) an agent's decision.
struct Review {
  std::string review_id;
  std::string liaison_body;
  std::string batch_id;
  std::string record_id;
  std::string candidate_registration_number;  // the registered person the row looks like
  // "PENDING", "REGISTERED", "MERGED", or "ALREADY_REGISTERED" (the CIN was registered before
  // the decision, which then joined that person).
  std::string state;
  std::string decided_by;
  std::string registration_number;  // the number the decision led to
  // The row's data as submitted (normalised).
  std::string cin;
  std::string last_name;
  std::string first_name;
  std::string birth_date;
  int32_t household_members_waiting = 0;   // spouse and children held until the decision
  int32_t household_members_attached = 0;  // in Decide's answer: those it attached
};

// What an agent decides: the row is another person, or the same as the candidate.
enum class ReviewDecision { kUnspecified = 0, kRegisterAsNew = 1, kMergeWithExisting = 2 };

struct ReviewPage {
  std::vector<Review> reviews;
  std::string next_page_token;  // empty on the last page
};

class ReviewQueue {
 public:
  ReviewQueue(
      storage::Database& db, NumberAllocator& numbers, events::EventSource source,
      std::function<void()> on_commit = [] {})
      : db_(db), numbers_(numbers), source_(std::move(source)), on_commit_(std::move(on_commit)) {}

  // A page of the reviews in `state` (PENDING when empty), oldest first: `page_size` of them (100
  // when 0, at most kMaxReviewPageSize), after the review `page_token` names (from the first when
  // empty). INVALID_ARGUMENT for an unknown state, a negative size or a token no page gave.
  absl::StatusOr<ReviewPage> List(const std::string& state, int page_size, const std::string& page_token = "");
  // Registers the row as a new person (REGISTERED) or records its CIN as another CIN of the
  // look-alike (MERGED); when the CIN got registered meanwhile, the row joins that person
  // whatever the decision (ALREADY_REGISTERED). The household members held with the row are
  // attached to the resulting number. NOT_FOUND for an unknown review; FAILED_PRECONDITION when
  // already decided; INVALID_ARGUMENT without an agent or a decision.
  absl::StatusOr<Review> Decide(const std::string& review_id, ReviewDecision decision, const std::string& agent);

 private:
  storage::Database& db_;
  NumberAllocator& numbers_;
  events::EventSource source_;
  std::function<void()> on_commit_;
};

}  // namespace himaya::registration
