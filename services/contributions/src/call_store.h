// Contribution calls in the service's database (their SQL lives here, and only here): written by
// a period's call a page at a time, read by the status, settled by payments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "contributions/src/contribution_rules.h"
#include "storage/database.h"

namespace himaya::contributions {

struct Call {
  std::string registration_number;
  std::string program;
  absl::CivilMonth period;
  Payer payer = Payer::kInsured;
  std::string category;
  std::string region;
  int64_t amount_centimes = 0;
  int64_t paid_centimes = 0;
  absl::CivilDay due_date;
  absl::Time called_at;
};

// Every call of a period, by payer.
struct PeriodTotals {
  int64_t calls = 0;
  int64_t billed_to_insured_centimes = 0;
  int64_t billed_to_state_centimes = 0;
};

class CallStore {
 public:
  // Inserts the calls not there yet (a call of the same insured, program and period is kept as
  // it is). Returns those inserted.
  static absl::StatusOr<std::vector<Call>> InsertNew(storage::Transaction& tx, const std::vector<Call>& calls);
  // The numbers among [first, last] already called for `program` and `period`.
  static absl::StatusOr<std::vector<std::string>> CalledBetween(storage::Transaction& tx, absl::string_view program,
                                                                absl::CivilMonth period, absl::string_view first,
                                                                absl::string_view last);
  // The calls of `period` in `programs`, summed.
  static absl::StatusOr<PeriodTotals> Totals(storage::Transaction& tx, absl::CivilMonth period,
                                             const std::vector<std::string>& programs);
  // An insured's calls billed to them (payer INSURED, never the state's) not wholly paid, oldest period first (then by
  // program), held until the end of the transaction (two payments of one insured apply one after the other).
  static absl::StatusOr<std::vector<Call>> UnpaidOfForUpdate(storage::Transaction& tx,
                                                             absl::string_view registration_number);
  // Holds the unpaid calls billed to each of these insured, in number order, until the end of
  // the transaction (on PostgreSQL; SQLite's write transactions hold everything). A transaction
  // that applies payments to several insured takes these locks first, in the order the
  // suspension pass takes them, so that the two never wait for each other in a cycle.
  static absl::Status LockUnpaidInNumberOrder(storage::Transaction& tx, std::vector<std::string> numbers);
  // Sets what was paid of a call.
  static absl::Status SetPaid(storage::Transaction& tx, const Call& call, int64_t paid_centimes);
  // An insured's calls, oldest period first (then by program).
  static absl::StatusOr<std::vector<Call>> OfInsured(storage::Transaction& tx, absl::string_view registration_number);
};

}  // namespace himaya::contributions
