// Family allowance runs, month by month (program family-allowances): a DRAFT computed over every
// household of the program a page at a time (one transaction per page, the cursor kept with
// it, so that a process stopped in the middle resumes where it was and ends with the same
// result), recomputed from the start when asked again while in draft; APPROVED by an agent;
// IN_PAYMENT once its payment lines are written (the account of each household asked of
// registration; none chosen: NO_PAYMENT_MODE, no line, the month stays owed); PAID once the
// bank confirmed every line. A confirmed PAID line credits the ledger (the month's amount, the
// arrears to the months they were for, the recovery) and publishes AllowancePaid; a failed one
// credits nothing, so the next run owes it as arrears. The decision itself is the rules'
// (allowance_rules.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "beneficiary/src/allowance_rules.h"
#include "beneficiary/src/allowance_store.h"
#include "beneficiary/src/registration_directory.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "payment_file/confirmation.h"
#include "storage/database.h"

namespace himaya::beneficiary {

// A run and its totals.
struct AllowanceRun {
  AllowanceRunRecord record;
  AllowanceTotals totals;
};

// A piece of a CSV (the report, the payment file) and where the next one starts.
struct CsvPage {
  std::string csv;
  // What the next page follows: pass it back as `after`.
  int64_t next_after = 0;
  bool last = false;
};

// What a confirmation did.
struct AllowanceConfirmation {
  std::string run_id;
  int64_t lines_paid = 0;
  int64_t lines_failed = 0;
  int64_t lines_already_confirmed = 0;
  // Every line is confirmed: the run is PAID.
  bool run_paid = false;
};

struct AllowanceRunsOptions {
  // Households per page (and per transaction) of a draft.
  int page_households = 1000;
  // The zone of a payment's value day.
  absl::TimeZone zone = absl::UTCTimeZone();
};

// The report's header, with its line end (the contract).
inline constexpr absl::string_view kAllowanceReportHeader =
    "registration_number,children_with_right,amount_centimes,arrears_centimes,recovery_centimes,reason\n";
// The payment file's header, with its line end.
inline constexpr absl::string_view kAllowancePaymentHeader =
    "run_id,line,registration_number,method,account,amount_centimes\n";
// The code of a run refused because its month is approved or paid already (FAILED_PRECONDITION,
// its message starting with it).
inline constexpr absl::string_view kRunNotDraft = "RUN_NOT_DRAFT";
// Runs are kept in the order of their months, since a month's arrears and recoveries come from
// the ledger, which only the bank's confirmations fill (FAILED_PRECONDITION, the message starting
// with the code): no run started or approved while another month's is APPROVED or IN_PAYMENT...
inline constexpr absl::string_view kRunInProgress = "RUN_IN_PROGRESS";
// ... nor for a month before the latest run approved (APPROVED, IN_PAYMENT or PAID) ...
inline constexpr absl::string_view kMonthBeforeLastRun = "MONTH_BEFORE_LAST_RUN";
// ... and no draft approved that was computed before another run was paid (start it again).
inline constexpr absl::string_view kDraftOutdated = "DRAFT_OUTDATED";

// The run of a month is named after it: ALW-YYYYMM.
std::string AllowanceRunId(absl::CivilMonth month);

class AllowanceRuns {
 public:
  // `on_events` (may be empty) is told after a commit that appended events (the relay's wake-up).
  AllowanceRuns(storage::Database& db, const AllowanceRules& rules, RegistrationDirectory& registration,
                const core::Clock& clock, events::EventSource source, AllowanceRunsOptions options = {},
                std::function<void()> on_events = nullptr)
      : db_(db),
        rules_(rules),
        registration_(registration),
        clock_(clock),
        source_(std::move(source)),
        options_(options),
        on_events_(std::move(on_events)) {}

  // The DRAFT of `month` (YYYY-MM), made when the month has no run, emptied to be computed again
  // when it has a draft; nothing is computed here (Compute does). INVALID_ARGUMENT for a bad
  // month, one before the rules' start_month, or a `created_by` longer than 64 characters;
  // FAILED_PRECONDITION (RUN_NOT_DRAFT) when the month's run is approved or later.
  absl::StatusOr<AllowanceRun> Start(absl::string_view month, absl::string_view created_by);
  // Computes the draft's pages from its cursor to its end. Gives up between pages (CANCELLED)
  // once `stopping` says so, and without error when the draft was restarted or finished by
  // someone else. NOT_FOUND for an unknown run; FAILED_PRECONDITION when it is not a DRAFT.
  absl::Status Compute(absl::string_view run_id, const std::function<bool()>& stopping = nullptr);
  // Computes every draft left unfinished (a process stopped in the middle); for the runner.
  absl::Status ComputeUnfinished(const std::function<bool()>& stopping = nullptr);
  // NOT_FOUND for an unknown run.
  absl::StatusOr<AllowanceRun> Get(absl::string_view run_id);
  // The report a page at a time, by registration number: the header first (no `after`), then up
  // to `page_rows` households after the one `after` names. FAILED_PRECONDITION while the draft is
  // being computed; NOT_FOUND for an unknown run.
  absl::StatusOr<CsvPage> ReadReportPage(absl::string_view run_id, std::optional<int64_t> after, int page_rows = 5000);
  // The whole report (tests and small runs).
  absl::StatusOr<std::string> Report(absl::string_view run_id);
  // DRAFT (computed to its end) -> APPROVED by `agent` (1 to 64 characters, INVALID_ARGUMENT
  // otherwise). FAILED_PRECONDITION for a draft still being computed or a run past DRAFT;
  // NOT_FOUND for an unknown run.
  absl::StatusOr<AllowanceRun> Approve(absl::string_view run_id, absl::string_view agent);
  // APPROVED -> IN_PAYMENT (PAID at once when no household has a line): every household with a
  // net amount gets a line numbered from 1 in registration number order and the account
  // registration gives; without one, NO_PAYMENT_MODE. A household whose recovery took its whole
  // amount is credited at once. Written a page at a time, resumed where it stopped when asked
  // again; IN_PAYMENT or PAID already: the run as it is. UNAVAILABLE when registration cannot
  // answer (ask again); FAILED_PRECONDITION for a DRAFT; NOT_FOUND for an unknown run.
  absl::StatusOr<AllowanceRun> Pay(absl::string_view run_id);
  // The payment file a page at a time, by line: the header first, then up to `page_lines` lines
  // after `after`. FAILED_PRECONDITION before IN_PAYMENT.
  absl::StatusOr<CsvPage> ReadPaymentPage(absl::string_view run_id, std::optional<int64_t> after,
                                          int page_lines = 5000);
  absl::StatusOr<std::string> PaymentFile(absl::string_view run_id);
  // Applies the bank's confirmation of the run (payment_file::PaymentConfirmationReader), all of
  // it or nothing: INVALID_ARGUMENT naming the line for a line the run does not have or whose
  // number is not the line's; FAILED_PRECONDITION naming the line for a line confirmed before
  // the other way, or for a run not IN_PAYMENT (nor PAID); a line confirmed the same way before
  // counts as already confirmed. PAID lines credit the ledger and publish AllowancePaid; the run
  // is PAID once no line is pending.
  absl::StatusOr<AllowanceConfirmation> Confirm(absl::string_view run_id,
                                                const std::vector<payment_file::ConfirmedLine>& lines);

 private:
  absl::StatusOr<AllowanceRunRecord> Find(absl::string_view run_id);
  // Every page `read` gives, joined: the header (no `after`), then the pages up to the last.
  static absl::StatusOr<std::string> WholeCsv(
      const std::function<absl::StatusOr<CsvPage>(std::optional<int64_t>)>& read);
  // Computes and writes the page after the run's cursor; returns false when the draft is done
  // (or no longer this generation's).
  absl::StatusOr<bool> ComputePage(const AllowanceRunRecord& run, std::string& cursor);
  // Writes the lines of the next page of households to pay; returns false when none is left
  // (true, writing nothing, when another payment of the run wrote that page meanwhile).
  absl::StatusOr<bool> PayPage(const AllowanceRunRecord& run);

  storage::Database& db_;
  const AllowanceRules& rules_;
  RegistrationDirectory& registration_;
  const core::Clock& clock_;
  const events::EventSource source_;
  const AllowanceRunsOptions options_;
  const std::function<void()> on_events_;
};

// Computes started drafts in the background, on one loop: woken when a draft starts, and at its
// own start to finish a draft a stopped process left in the middle; gives up between pages when
// stopped. A pass that fails waits `retry` before the next.
class AllowanceDraftWorker {
 public:
  explicit AllowanceDraftWorker(AllowanceRuns& runs, absl::Duration retry = absl::Seconds(10))
      : runs_(runs), retry_(retry) {}
  void Start() { loop_.Start(); }
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  absl::Duration Pass();
  AllowanceRuns& runs_;
  const absl::Duration retry_;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::beneficiary
