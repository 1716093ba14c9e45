// Suspensions of coverage and the arrears that cause them, in the service's database (their SQL
// lives here, and only here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::contributions {

struct Suspension {
  std::string registration_number;
  std::string program;
  // The first day not covered.
  absl::CivilDay from_date;
  int64_t arrears_centimes = 0;
  absl::CivilMonth oldest_unpaid_period;
  std::string region;
  absl::Time suspended_at;
  // Set once restored: the first day covered again and the payment that restored it.
  std::optional<absl::CivilDay> restored_from;
  std::string restored_by;
};

// An insured of a program whose oldest unpaid call (billed to them) is due on or before a
// cutoff, and not suspended.
struct InsuredInArrears {
  std::string registration_number;
  std::string region;
  absl::CivilDay oldest_due_date;
  absl::CivilMonth oldest_unpaid_period;
  // Unpaid amounts of the calls past their due date.
  int64_t arrears_centimes = 0;
};

class SuspensionStore {
 public:
  // Up to `limit` insured of `program` not suspended, with a call billed to them unpaid and due
  // on or before `cutoff`, numbers after `after`, in number order. Arrears count the unpaid
  // calls due before `today`.
  static absl::StatusOr<std::vector<InsuredInArrears>> InArrears(storage::Transaction& tx, absl::string_view program,
                                                                 absl::CivilDay cutoff, absl::CivilDay today,
                                                                 absl::string_view after, int limit);
  // Records a suspension. Returns whether it is new: an insured already suspended in the program
  // (one open suspension each, by a unique index) is kept as they are.
  static absl::StatusOr<bool> Insert(storage::Transaction& tx, const Suspension& suspension);
  // The insured's suspensions still open, by program.
  static absl::StatusOr<std::vector<Suspension>> OpenOf(storage::Transaction& tx,
                                                        absl::string_view registration_number);
  // Whether the insured has a call of `program` billed to them, unpaid and due on or before
  // `cutoff`.
  static absl::StatusOr<bool> HasUnpaidDueBy(storage::Transaction& tx, absl::string_view registration_number,
                                             absl::string_view program, absl::CivilDay cutoff);
  // Closes an open suspension: covered again from `from`, by `payment_id`. Returns whether it
  // was still open.
  static absl::StatusOr<bool> Restore(storage::Transaction& tx, const Suspension& suspension, absl::CivilDay from,
                                      absl::string_view payment_id, absl::Time at);
};

}  // namespace himaya::contributions
