// The files and their items in claims' database (claims, claim_items): their SQL lives here,
// and only here. Each row is read once into a Claim or a ClaimItemRecord (claim.h).
//
// The decider's queries sit beside those of the intake, each a small function: files in a state
// oldest first (a chunk at a time), a file with its items, an item's decision written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "claims/src/claim.h"
#include "storage/database.h"

namespace himaya::claims {

// Where a page of files ends: the last file's receipt and id (files are ordered by both).
struct ClaimCursor {
  int64_t received_at_us = 0;
  std::string claim_id;
};

class ClaimStore {
 public:
  // Records a file and its items. ALREADY_EXISTS when its claim_id (or its idempotency key) is
  // recorded already.
  static absl::Status Insert(storage::Transaction& tx, const Claim& claim);
  // Records many files and their items, many rows per statement (the bulk intake).
  static absl::Status InsertMany(storage::Transaction& tx, const std::vector<Claim>& claims);

  // The file with its items; nothing when unknown.
  static absl::StatusOr<std::optional<Claim>> Find(storage::Transaction& tx, absl::string_view claim_id);
  // The file recorded with this idempotency key; nothing when none is.
  static absl::StatusOr<std::optional<Claim>> FindByIdempotencyKey(storage::Transaction& tx, absl::string_view key);
  // Whether a file with this id is recorded.
  static absl::StatusOr<bool> Exists(storage::Transaction& tx, absl::string_view claim_id);
  // Which of `claim_ids` are recorded (any number: asked a thousand at a time).
  static absl::StatusOr<absl::flat_hash_set<std::string>> Existing(storage::Transaction& tx,
                                                                   const std::vector<std::string>& claim_ids);

  // An insured's files newest first (without items), at most `limit`, after `after` when given.
  static absl::StatusOr<std::vector<Claim>> OfInsured(storage::Transaction& tx, absl::string_view registration_number,
                                                      const std::optional<ClaimCursor>& after, int limit);

  // Files in `state` oldest first (without items), at most `limit`, after `after` when given: the
  // decider's chunks of RECEIVED files.
  static absl::StatusOr<std::vector<Claim>> InState(storage::Transaction& tx, absl::string_view state,
                                                    const std::optional<ClaimCursor>& after, int limit);
  // Files an agent reviewed, oldest received first (without items), after `after` when given.
  static absl::StatusOr<std::vector<Claim>> Reviewed(storage::Transaction& tx, const std::optional<ClaimCursor>& after,
                                                     int limit);
  // Files not settled whose due date is before `today`, oldest received first (without items).
  static absl::StatusOr<std::vector<Claim>> Overdue(storage::Transaction& tx, absl::CivilDay today,
                                                    const std::optional<ClaimCursor>& after, int limit);
  // The items of a file in its order.
  static absl::StatusOr<std::vector<ClaimItemRecord>> ItemsOf(storage::Transaction& tx, absl::string_view claim_id);
  // Writes an item's decision (outcome, reason, amounts). NOT_FOUND when the item is unknown.
  static absl::Status RecordItemDecision(storage::Transaction& tx, absl::string_view claim_id,
                                         const ItemDecision& decision);
};

}  // namespace himaya::claims
