// The insured as the contributions service keeps them (their SQL lives here, and only here):
// recorded from registration's events, read by the calls, the status and the figures.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "storage/database.h"

namespace himaya::contributions {

struct Insured {
  std::string registration_number;
  std::string program;
  std::string category;
  std::string region;
  // The first day they owe a contribution for.
  absl::CivilDay registered_on;
  // PersonRegistered or PersonMerged.
  std::string source_event;
};

class InsuredStore {
 public:
  // Records a registered insured in their program. A row first recorded from a merge takes the
  // registration's category, region and day. Returns whether anything changed (false for an
  // insured already registered: an event applied twice).
  static absl::StatusOr<bool> RecordRegistered(storage::Transaction& tx, const Insured& insured);
  // Records an insured merged into one more program, from the merge's day, with the region of
  // their other programs when known. Nothing when already in that program. Returns whether the
  // row is new.
  static absl::StatusOr<bool> RecordMerged(storage::Transaction& tx, const Insured& insured);
  // The insured's programs, by program; empty when unknown.
  static absl::StatusOr<std::vector<Insured>> Find(storage::Transaction& tx, absl::string_view registration_number);
  // Up to `limit` insured of `program` registered on or before `last_day` whose number sorts
  // after `after` (all when empty), in number order: one page of a pass.
  static absl::StatusOr<std::vector<Insured>> Page(storage::Transaction& tx, absl::string_view program,
                                                   absl::CivilDay last_day, absl::string_view after, int limit);
};

}  // namespace himaya::contributions
