// The rules that give a staged batch row its outcome (LIAISON-FILE.md, "Outcomes"), as a pure
// function: the row, what the database found about it when its chunk was read, and the persons
// registered earlier in the same chunk go in; the outcome, its reasons and what to do with the
// row come out. The applier does what the decision says; nothing here reads or writes storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registration/src/staged_row.h"

namespace himaya::registration {

// Row outcomes, as written in reports and counts.
inline constexpr char kRegistered[] = "REGISTERED";
inline constexpr char kAlreadyRegistered[] = "ALREADY_REGISTERED";
inline constexpr char kDuplicateInBatch[] = "DUPLICATE_IN_BATCH";
inline constexpr char kAlreadyCovered[] = "ALREADY_COVERED";
inline constexpr char kInvalid[] = "INVALID";
inline constexpr char kNeedsReview[] = "NEEDS_REVIEW";
inline constexpr char kDependent[] = "DEPENDENT";

// A batch is applied in two passes: heads of household and persons alone first, then spouses and
// children, once their head's outcome is known.
enum class ApplyPhase { kHeadsAndSingles = 0, kDependents = 1 };

// What the database found about a staged row, as its chunk was read.
struct RowFindings {
  // An earlier row of the batch has the same record_id (that record_id).
  std::optional<std::string> earlier_record_id;
  // The record_id of the first earlier valid row of the batch with the same CIN.
  std::optional<std::string> earlier_same_cin;
  // The person registered with this CIN (or under whom an agent merged it).
  std::optional<std::string> registered_number;
  // A coverage of another scheme valid on the batch's processing date (the scheme).
  std::optional<std::string> coverage_scheme;
  // A registered look-alike: same birth date, sex and name key under another CIN.
  std::optional<std::string> lookalike_number;
  // The registration number of the row's household head, once the head was decided.
  std::optional<std::string> head_number;
  // The head's row when the head went to review.
  std::optional<int64_t> head_row_in_review;
};

// What becomes of the row, beside its outcome.
enum class RowAction {
  kNone,            // only the outcome is recorded
  kRecordActivity,  // the batch's activity is recorded against the person already registered
  kRegister,        // a new person, with the next registration number
  kAttachToHead,    // a member of the household of `registration_number`
  kHoldForHead,     // kept until an agent decides the review of the head's row `head_row`
  kSendToReview,    // an agent decides whether it is `review_candidate` or a new person
};

struct RowDecision {
  std::string outcome;
  RowAction action = RowAction::kNone;
  // The person the row is (ALREADY_REGISTERED) or belongs to (DEPENDENT); a REGISTERED row gets
  // its number when the applier registers it.
  std::string registration_number;
  std::string reasons;  // "COLUMN:REASON;..."
  std::string review_candidate;
  int64_t head_row = 0;
};

// Decides a staged row. `registered_in_chunk`: the number of a person registered earlier in the
// same chunk that the row looks like (the database could not see it yet).
RowDecision DecideRow(const StagedRow& row, const RowFindings& found, ApplyPhase phase,
                      const std::optional<std::string>& registered_in_chunk);

}  // namespace himaya::registration
