// Paying decided files: a payment run per value date groups every decided, payable file not yet
// in a run into one line per insured (the total of their files); its instructions are the CSV
// `run_id,line,registration_number,claims,amount_centimes` sent to the bank; the bank's
// confirmation (payment_confirmation.h) marks the files of paid lines PAID, with ClaimPaid
// each, and sends the files of failed lines back to the next run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "claims/src/payment_confirmation.h"
#include "claims/src/payment_store.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::claims {

// What a confirmation did (lines and files newly confirmed; lines confirmed before, the same way).
struct ConfirmationResult {
  std::string run_id;
  int64_t lines_paid = 0;
  int64_t lines_failed = 0;
  int64_t lines_already_confirmed = 0;
  int64_t claims_paid = 0;
  int64_t claims_returned = 0;
  // Every line of the run is now confirmed.
  bool run_confirmed = false;
};

// A piece of a run's instructions CSV and where the next one starts.
struct InstructionsPage {
  std::string csv;
  // The line the next page follows; pass it back as `after_line`.
  int64_t next_after_line = 0;
  // Nothing follows this page.
  bool last = false;
};

class PaymentRuns {
 public:
  // Told, after their commit, of the files a confirmation paid and when (the processing-time
  // clock), and that events were appended (the outbox relay's wake-up). Either may be empty.
  struct Hooks {
    std::function<void(const std::vector<RunClaim>& paid, absl::Time paid_at)> on_paid;
    std::function<void()> on_events;
  };

  PaymentRuns(storage::Database& db, events::EventSource source, Hooks hooks = {})
      : db_(db), source_(std::move(source)), hooks_(std::move(hooks)) {}

  // The run of `date` (YYYY-MM-DD): made, when the date has none yet, of every file DECIDED with
  // something to reimburse and in no run (files of failed lines included), one line per insured
  // by registration number, the files IN_PAYMENT; found, when the date has one, unchanged (a
  // retried command pays nothing twice). INVALID_ARGUMENT for a bad date or `created_by` (at
  // most 64 characters); FAILED_PRECONDITION (NOTHING_TO_PAY) when no file waits, and no run is
  // kept then.
  absl::StatusOr<PaymentRun> Create(absl::string_view date, absl::string_view created_by);
  // NOT_FOUND for an unknown run.
  absl::StatusOr<PaymentRun> Get(absl::string_view run_id);
  // The instructions a page at a time: with no `after_line` the header first, then up to
  // `page_lines` lines after `after_line`. NOT_FOUND for an unknown run.
  absl::StatusOr<InstructionsPage> ReadInstructionsPage(absl::string_view run_id, std::optional<int64_t> after_line,
                                                        int page_lines = 5000);
  // The whole instructions CSV (for tests and small runs).
  absl::StatusOr<std::string> Instructions(absl::string_view run_id);
  // Applies the bank's confirmation of `run_id` (read by PaymentConfirmationReader), all of it
  // or nothing: every line is checked first. NOT_FOUND for an unknown run; INVALID_ARGUMENT
  // naming the line for a line the run does not have or whose registration number is not the
  // line's; FAILED_PRECONDITION naming the line for a line confirmed before the other way. A
  // line confirmed before the same way counts as already confirmed. Then, in one transaction:
  // paid lines' files PAID (ClaimPaid each), failed lines' files back to DECIDED in no run, the
  // run CONFIRMED once no line is pending.
  absl::StatusOr<ConfirmationResult> Confirm(absl::string_view run_id, const std::vector<ConfirmedLine>& lines);

 private:
  storage::Database& db_;
  const events::EventSource source_;
  const Hooks hooks_;
};

// The code of a run refused because no file waits for payment (FAILED_PRECONDITION, its message
// starting with it).
inline constexpr absl::string_view kNothingToPay = "NOTHING_TO_PAY";

// The instructions' header line, with its line end.
inline constexpr absl::string_view kInstructionsHeader = "run_id,line,registration_number,claims,amount_centimes\n";

// The run of a value date is named after it: PAY-YYYYMMDD.
std::string RunIdOf(absl::CivilDay date);

// Groups files (by registration number, as PaymentStore::TakePayableClaims gives them) into one
// line per insured, numbered from 1, and sets each file's line.
std::vector<PaymentLine> GroupIntoLines(std::vector<RunClaim>& claims);

}  // namespace himaya::claims
