// Family allowance runs, the households each considered (amount or reason, payment line), their
// arrears by month, and the ledger of what confirmed payments credited, in the beneficiary
// service's own database (their SQL lives here, and only here).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::beneficiary {

// A run's states, as stored.
inline constexpr char kRunDraft[] = "DRAFT";
inline constexpr char kRunApproved[] = "APPROVED";
inline constexpr char kRunInPayment[] = "IN_PAYMENT";
inline constexpr char kRunPaid[] = "PAID";

// A payment line's states, as stored ("" for a household without a line).
inline constexpr char kLinePending[] = "PENDING";
inline constexpr char kLinePaid[] = "PAID";
inline constexpr char kLineFailed[] = "FAILED";
// A household paid nothing by the bank but whose recovery settled its month (credited at once).
inline constexpr char kLineSettled[] = "SETTLED";

struct AllowanceRunRecord {
  std::string run_id;
  absl::CivilMonth month;
  std::string state;
  int64_t generation = 1;
  // The last household computed ("" before the first page).
  std::string cursor;
  bool complete = false;
  std::string created_by;
  absl::Time created_at;
  std::optional<absl::Time> computed_at;
  std::string approved_by;
  std::optional<absl::Time> approved_at;
  // The last household given a payment line, while paying.
  std::string pay_cursor;
  std::optional<absl::Time> paid_at;
};

// One household of a run.
struct AllowanceLine {
  std::string registration_number;
  std::string region;
  int64_t children_with_right = 0;
  int64_t amount_centimes = 0;
  int64_t arrears_centimes = 0;
  int64_t recovery_centimes = 0;
  std::string reason;  // "" when it gets an amount
  std::optional<int64_t> line;
  std::string method;  // BANK_TRANSFER, MOBILE_WALLET, once given a line
  std::string account;
  std::string status;  // "", PENDING, PAID, FAILED, SETTLED
  std::string bank_reason;
  int64_t net_centimes() const { return amount_centimes + arrears_centimes - recovery_centimes; }
};

// A run's totals over its households.
struct AllowanceTotals {
  int64_t households = 0;
  int64_t households_with_amount = 0;  // net > 0
  int64_t children_with_right = 0;
  int64_t amount_centimes = 0;
  int64_t arrears_centimes = 0;
  int64_t recovery_centimes = 0;
  int64_t net_centimes = 0;
  int64_t lines = 0;
  int64_t lines_paid = 0;
  int64_t lines_failed = 0;
  int64_t lines_pending = 0;
  int64_t no_payment_mode = 0;
};

// Paid households of a run by region: what the figures show.
struct AllowancePaidGroup {
  std::string region;
  int64_t households = 0;
  int64_t children = 0;
  int64_t paid_centimes = 0;
};

class AllowanceStore {
 public:
  // --- runs
  // ALREADY_EXISTS when the month has a run already.
  static absl::Status InsertRun(storage::Transaction& tx, const AllowanceRunRecord& run);
  // Nothing when unknown.
  static absl::StatusOr<std::optional<AllowanceRunRecord>> FindRun(storage::Transaction& tx, absl::string_view run_id);
  static absl::StatusOr<std::optional<AllowanceRunRecord>> FindRunOfMonth(storage::Transaction& tx,
                                                                          absl::CivilMonth month);
  // The drafts not computed to their end, by month.
  static absl::StatusOr<std::vector<std::string>> UnfinishedDrafts(storage::Transaction& tx);
  // The latest PAID run; nothing when none is.
  static absl::StatusOr<std::optional<AllowanceRunRecord>> LastPaidRun(storage::Transaction& tx);
  // The run of another month than `month` being paid (APPROVED or IN_PAYMENT); nothing when none is.
  static absl::StatusOr<std::optional<AllowanceRunRecord>> RunInPaymentBesides(storage::Transaction& tx,
                                                                               absl::CivilMonth month);
  // The run of the latest month past its draft (APPROVED, IN_PAYMENT or PAID); nothing when none is.
  static absl::StatusOr<std::optional<AllowanceRunRecord>> LatestApprovedRun(storage::Transaction& tx);
  // The run paid last (by when it became PAID); nothing when none is.
  static absl::StatusOr<std::optional<AllowanceRunRecord>> RunPaidLast(storage::Transaction& tx);
  // Empties a DRAFT run to compute it again from its first household, under a new generation
  // (a page of the older one is then refused). Returns false when it is no longer a DRAFT.
  static absl::StatusOr<bool> Restart(storage::Transaction& tx, absl::string_view run_id, int64_t generation,
                                      absl::Time at);
  // Moves a draft's cursor from `from` to `to` (complete: the last page) for `generation`.
  // Returns false, changing nothing, when the run is elsewhere (another process wrote the page,
  // or the draft restarted).
  static absl::StatusOr<bool> Advance(storage::Transaction& tx, absl::string_view run_id, int64_t generation,
                                      absl::string_view from, absl::string_view to, bool complete, absl::Time at);
  // Moves a run from state `from` to `to` (IN_PAYMENT, PAID: ApproveDraft approves); returns
  // false when it was not in `from`.
  static absl::StatusOr<bool> MoveState(storage::Transaction& tx, absl::string_view run_id, absl::string_view from,
                                        absl::string_view to, absl::Time at);
  // Approves a DRAFT computed to its end under `generation` (the one its approver read). Returns
  // false, changing nothing, when it is no longer that (restarted meanwhile, or approved).
  static absl::StatusOr<bool> ApproveDraft(storage::Transaction& tx, absl::string_view run_id, int64_t generation,
                                           absl::string_view agent, absl::Time at);
  // Moves an APPROVED run's payment cursor (how far the payment lines were written) from `from`
  // to `to`. Returns false, changing nothing, when the run is elsewhere (another process wrote
  // the page, or the run left APPROVED): the caller then writes nothing.
  static absl::StatusOr<bool> MovePayCursor(storage::Transaction& tx, absl::string_view run_id, absl::string_view from,
                                            absl::string_view to);

  // --- households
  // Records a page of households and their arrears by month.
  struct Arrears {
    std::string registration_number;
    absl::CivilMonth month;
    int64_t centimes = 0;
  };
  static absl::Status InsertHouseholds(storage::Transaction& tx, absl::string_view run_id,
                                       const std::vector<AllowanceLine>& households,
                                       const std::vector<Arrears>& arrears);
  // Up to `limit` households of the run after `after` ("": from the first), by number.
  static absl::StatusOr<std::vector<AllowanceLine>> Households(storage::Transaction& tx, absl::string_view run_id,
                                                               absl::string_view after, int limit);
  // Up to `limit` households with a payment line after `after_line`, by line.
  static absl::StatusOr<std::vector<AllowanceLine>> Lines(storage::Transaction& tx, absl::string_view run_id,
                                                          int64_t after_line, int limit);
  // The household of a line; nothing when the run has no such line.
  static absl::StatusOr<std::optional<AllowanceLine>> Line(storage::Transaction& tx, absl::string_view run_id,
                                                           int64_t line);
  // The arrears of the run's households among `numbers`, by number then month.
  static absl::StatusOr<std::vector<Arrears>> ArrearsOf(storage::Transaction& tx, absl::string_view run_id,
                                                        const std::vector<std::string>& numbers);
  static absl::StatusOr<AllowanceTotals> Totals(storage::Transaction& tx, absl::string_view run_id);
  // The highest line of the run (0 when none).
  static absl::StatusOr<int64_t> LastLine(storage::Transaction& tx, absl::string_view run_id);
  // Gives a household its payment line, account and status.
  static absl::Status SetLine(storage::Transaction& tx, absl::string_view run_id, const AllowanceLine& household);
  // Sets a household's reason, status and bank reason (a line confirmed, a household without a
  // payment mode, one settled by its recovery).
  static absl::Status SetOutcome(storage::Transaction& tx, absl::string_view run_id,
                                 absl::string_view registration_number, absl::string_view reason,
                                 absl::string_view status, absl::string_view bank_reason);
  // Sets the outcome of a PENDING payment line (PAID or FAILED, the bank's reason). Returns
  // false, changing nothing, when the line is no longer PENDING (another confirmation of the same
  // file settled it meanwhile): the caller then credits nothing.
  static absl::StatusOr<bool> ConfirmLine(storage::Transaction& tx, absl::string_view run_id,
                                          absl::string_view registration_number, absl::string_view reason,
                                          absl::string_view status, absl::string_view bank_reason);
  // The households a run paid (confirmed lines), by region.
  static absl::StatusOr<std::vector<AllowancePaidGroup>> PaidByRegion(storage::Transaction& tx,
                                                                      absl::string_view run_id);

  // --- the ledger
  // What was credited to the households between `first` and `last` (numbers, both included), by
  // household and month.
  static absl::StatusOr<std::map<std::string, std::map<absl::CivilMonth, int64_t>>> CreditsBetween(
      storage::Transaction& tx, absl::string_view first, absl::string_view last);
  // What was recovered from each household between `first` and `last`.
  static absl::StatusOr<std::map<std::string, int64_t>> RecoveredBetween(storage::Transaction& tx,
                                                                         absl::string_view first,
                                                                         absl::string_view last);
  // Adds `centimes` to what was credited to the household for `month`.
  static absl::Status Credit(storage::Transaction& tx, absl::string_view registration_number, absl::CivilMonth month,
                             int64_t centimes);
  // Adds `centimes` to what was recovered from the household.
  static absl::Status AddRecovered(storage::Transaction& tx, absl::string_view registration_number, int64_t centimes);
};

}  // namespace himaya::beneficiary
