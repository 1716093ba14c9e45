// Payment runs, their lines and the files in each line (migration 0002), and the payment states
// of the claims table (DECIDED -> IN_PAYMENT -> PAID, or back to DECIDED): the only SQL about
// payments. Every function works in the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "claims/src/payment_confirmation.h"
#include "storage/database.h"

namespace himaya::claims {

enum class RunState { kOpen, kConfirmed };
// "OPEN", "CONFIRMED".
absl::string_view RunStateName(RunState state);

// A run as recorded, with figures counted from its lines.
struct PaymentRun {
  std::string run_id;
  absl::CivilDay date;
  RunState state = RunState::kOpen;
  std::string created_by;
  absl::Time created_at;
  std::optional<absl::Time> confirmed_at;
  int64_t claims = 0;
  int64_t insured = 0;  // lines
  int64_t total_centimes = 0;
  int64_t lines_paid = 0;
  int64_t lines_failed = 0;
};

// One line of a run: an insured and the total of their files in it.
struct PaymentLine {
  int64_t line = 0;
  std::string registration_number;
  int64_t claims = 0;
  int64_t amount_centimes = 0;
  LineStatus status = LineStatus::kPending;
  std::string reason;
};

// A file put in a run, or paid by one.
struct RunClaim {
  std::string claim_id;
  std::string registration_number;
  std::string program;
  int64_t amount_centimes = 0;
  // The line it is in (0 until the lines are made).
  int64_t line = 0;
  absl::Time received_at;
};

class PaymentStore {
 public:
  // Records a new OPEN run. ALREADY_EXISTS when the id or the date has a run.
  static absl::Status InsertRun(storage::Transaction& tx, const PaymentRun& run);
  // The run with this id, or of this date; nothing when none.
  static absl::StatusOr<std::optional<PaymentRun>> FindRun(storage::Transaction& tx, absl::string_view run_id);
  static absl::StatusOr<std::optional<PaymentRun>> FindRunOfDate(storage::Transaction& tx, absl::CivilDay date);

  // Puts every payable file (DECIDED, reimbursed_centimes > 0, in no run) in `run_id`: each
  // becomes IN_PAYMENT with that payment_run_id. Returns them, by registration number then
  // claim id, their lines not yet set.
  static absl::StatusOr<std::vector<RunClaim>> TakePayableClaims(storage::Transaction& tx, absl::string_view run_id);
  // Records the run's lines and which file is in which (each claim's `line`).
  static absl::Status InsertLines(storage::Transaction& tx, absl::string_view run_id,
                                  const std::vector<PaymentLine>& lines, const std::vector<RunClaim>& claims);

  // Up to `limit` lines of the run after line `after_line`, in order.
  static absl::StatusOr<std::vector<PaymentLine>> Lines(storage::Transaction& tx, absl::string_view run_id,
                                                        int64_t after_line, int limit);

  // Confirms PENDING lines of the run: `paid` lines PAID; a FAILED line with its reason.
  static absl::Status MarkLinesPaid(storage::Transaction& tx, absl::string_view run_id,
                                    const std::vector<int64_t>& paid, absl::Time at);
  static absl::Status MarkLineFailed(storage::Transaction& tx, absl::string_view run_id, int64_t line,
                                     absl::string_view reason, absl::Time at);
  // The files of the run's PAID lines that are still IN_PAYMENT become PAID (paid and settled
  // at `at`); returns them.
  static absl::StatusOr<std::vector<RunClaim>> SettlePaidClaims(storage::Transaction& tx, absl::string_view run_id,
                                                                absl::Time at);
  // The files of the run's FAILED lines that are still IN_PAYMENT go back to DECIDED in no run,
  // for the next run to take; returns how many.
  static absl::StatusOr<int64_t> ReturnFailedClaims(storage::Transaction& tx, absl::string_view run_id);
  // Marks the run CONFIRMED at `at` when no line is PENDING; returns whether it is confirmed.
  static absl::StatusOr<bool> ConfirmRunIfComplete(storage::Transaction& tx, absl::string_view run_id, absl::Time at);
};

}  // namespace himaya::claims
