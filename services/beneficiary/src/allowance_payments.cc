// AllowanceRuns' payment: the lines written from an approved run, the payment file, and the
// bank's confirmation (the rest of the class is in allowance_runs.cc).
#include <map>

#include "absl/strings/str_cat.h"
#include "beneficiary/src/allowance_runs.h"
#include "beneficiary/src/family_events.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

using payment_file::ConfirmedLine;
using payment_file::LineStatus;

// Households given their lines per page (and per call to registration: its limit).
constexpr int kPayPage = 1000;

// Credits the ledger with what a household's line of `run` settles: the month's amount, its
// arrears to the months they were for, its recovery.
absl::Status CreditLedger(storage::Transaction& tx, const AllowanceRunRecord& run, const AllowanceLine& h) {
  RETURN_IF_ERROR(AllowanceStore::Credit(tx, h.registration_number, run.month, h.amount_centimes));
  ASSIGN_OR_RETURN(auto arrears, AllowanceStore::ArrearsOf(tx, run.run_id, {h.registration_number}));
  for (const AllowanceStore::Arrears& a : arrears) {
    RETURN_IF_ERROR(AllowanceStore::Credit(tx, a.registration_number, a.month, a.centimes));
  }
  if (h.recovery_centimes == 0) return absl::OkStatus();
  return AllowanceStore::AddRecovered(tx, h.registration_number, h.recovery_centimes);
}

}  // namespace

absl::StatusOr<bool> AllowanceRuns::PayPage(const AllowanceRunRecord& run) {
  std::vector<AllowanceLine> page;
  std::string from;  // the page's start, where the cursor must still be when it is written
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> now, AllowanceStore::FindRun(tx, run.run_id));
    if (!now) return absl::NotFoundError("run_id: no such allowance run");
    from = now->pay_cursor;
    ASSIGN_OR_RETURN(page, AllowanceStore::Households(tx, run.run_id, from, kPayPage));
    return absl::OkStatus();
  }));
  if (page.empty()) return false;
  std::vector<std::string> payable;
  for (const AllowanceLine& h : page) {
    if (h.net_centimes() > 0) payable.push_back(h.registration_number);
  }
  // Asked before the transaction, never inside it.
  std::map<std::string, PaymentAccount> accounts;
  if (!payable.empty()) {
    ASSIGN_OR_RETURN(std::vector<PaymentAccount> found, registration_.PaymentAccounts(payable));
    for (PaymentAccount& a : found) accounts[a.registration_number] = std::move(a);
  }
  bool moved = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    // The cursor moves first, conditionally: of two payments of the same page at once (on
    // PostgreSQL's READ COMMITTED), the second finds it moved and writes nothing.
    ASSIGN_OR_RETURN(moved, AllowanceStore::MovePayCursor(tx, run.run_id, from, page.back().registration_number));
    if (!moved) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> now, AllowanceStore::FindRun(tx, run.run_id));
    if (!now) return absl::NotFoundError("run_id: no such allowance run");
    ASSIGN_OR_RETURN(int64_t line, AllowanceStore::LastLine(tx, run.run_id));
    for (AllowanceLine h : page) {
      const int64_t payable_total = h.amount_centimes + h.arrears_centimes;
      if (h.net_centimes() <= 0) {
        if (payable_total == 0) continue;
        // Settled by its recovery alone: credited now, no line.
        RETURN_IF_ERROR(AllowanceStore::SetOutcome(tx, run.run_id, h.registration_number, h.reason, kLineSettled, ""));
        RETURN_IF_ERROR(CreditLedger(tx, *now, h));
        continue;
      }
      const auto account = accounts.find(h.registration_number);
      if (account == accounts.end() || account->second.method.empty()) {
        RETURN_IF_ERROR(AllowanceStore::SetOutcome(tx, run.run_id, h.registration_number,
                                                   AllowanceReasonName(AllowanceReason::kNoPaymentMode), "", ""));
        continue;
      }
      h.line = ++line;
      h.method = account->second.method;
      h.account = account->second.account;
      h.status = kLinePending;
      RETURN_IF_ERROR(AllowanceStore::SetLine(tx, run.run_id, h));
    }
    return absl::OkStatus();
  }));
  // Written by another payment meanwhile: read where it is now.
  if (!moved) return true;
  return page.size() == static_cast<size_t>(kPayPage);
}

absl::StatusOr<AllowanceRun> AllowanceRuns::Pay(absl::string_view run_id) {
  ASSIGN_OR_RETURN(AllowanceRunRecord run, Find(run_id));
  if (run.state == kRunInPayment || run.state == kRunPaid) return Get(run_id);
  if (run.state != kRunApproved) {
    return absl::FailedPreconditionError(absl::StrCat("run_id: the run is ", run.state, ", not APPROVED"));
  }
  for (;;) {
    ASSIGN_OR_RETURN(bool more, PayPage(run));
    if (!more) break;
    ASSIGN_OR_RETURN(run, Find(run_id));
  }
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t lines, AllowanceStore::LastLine(tx, run_id));
    // Not moved: another payment of the run moved it meanwhile (APPROVED leads only there).
    return AllowanceStore::MoveState(tx, run_id, kRunApproved, lines > 0 ? kRunInPayment : kRunPaid, clock_.Now())
        .status();
  }));
  log::Info("allowance run in payment", {{"run_id", std::string(run_id)}});
  return Get(run_id);
}

absl::StatusOr<CsvPage> AllowanceRuns::ReadPaymentPage(absl::string_view run_id, std::optional<int64_t> after,
                                                       int page_lines) {
  CsvPage page;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> run, AllowanceStore::FindRun(tx, run_id));
    if (!run) return absl::NotFoundError("run_id: no such allowance run");
    if (run->state != kRunInPayment && run->state != kRunPaid) {
      return absl::FailedPreconditionError(absl::StrCat("run_id: the run is ", run->state, ", not in payment"));
    }
    if (!after) {
      page.csv = std::string(kAllowancePaymentHeader);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<AllowanceLine> lines, AllowanceStore::Lines(tx, run_id, *after, page_lines));
    for (const AllowanceLine& h : lines) {
      absl::StrAppend(&page.csv, run_id, ",", *h.line, ",", h.registration_number, ",", h.method, ",", h.account, ",",
                      h.net_centimes(), "\n");
    }
    page.last = lines.size() < static_cast<size_t>(page_lines);
    if (!lines.empty()) page.next_after = *lines.back().line;
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<std::string> AllowanceRuns::PaymentFile(absl::string_view run_id) {
  return WholeCsv([&](std::optional<int64_t> after) { return ReadPaymentPage(run_id, after); });
}

absl::StatusOr<AllowanceConfirmation> AllowanceRuns::Confirm(absl::string_view run_id,
                                                             const std::vector<ConfirmedLine>& lines) {
  AllowanceConfirmation result;
  result.run_id = std::string(run_id);
  bool appended = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    result = AllowanceConfirmation{std::string(run_id)};
    appended = false;
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> run, AllowanceStore::FindRun(tx, run_id));
    if (!run) return absl::NotFoundError("run_id: no such allowance run");
    if (run->state != kRunInPayment && run->state != kRunPaid) {
      return absl::FailedPreconditionError(absl::StrCat("run_id: the run is ", run->state, ", not in payment"));
    }
    // Every line is checked before anything is applied.
    std::vector<std::pair<const ConfirmedLine*, AllowanceLine>> todo;
    for (const ConfirmedLine& c : lines) {
      ASSIGN_OR_RETURN(std::optional<AllowanceLine> h, AllowanceStore::Line(tx, run_id, c.line));
      if (!h) return absl::InvalidArgumentError(absl::StrCat("line ", c.line, ": the run has no such line"));
      if (h->registration_number != c.registration_number) {
        return absl::InvalidArgumentError(absl::StrCat("line ", c.line, ": registration_number is not the line's"));
      }
      const std::string status(payment_file::LineStatusName(c.status));
      if (h->status != kLinePending) {
        if (h->status != status) {
          return absl::FailedPreconditionError(
              absl::StrCat("line ", c.line, ": confirmed ", h->status, " before, now ", status));
        }
        ++result.lines_already_confirmed;
        continue;
      }
      todo.emplace_back(&c, *std::move(h));
    }
    const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), options_.zone);
    // Each line is settled only while still PENDING, and credited only by the confirmation that
    // settled it: two imports of the same file at once (READ COMMITTED on PostgreSQL) credit once.
    for (const auto& [c, h] : todo) {
      if (c->status == LineStatus::kFailed) {
        ASSIGN_OR_RETURN(bool failed, AllowanceStore::ConfirmLine(tx, run_id, h.registration_number,
                                                                  AllowanceReasonName(AllowanceReason::kPaymentFailed),
                                                                  kLineFailed, c->reason));
        ++(failed ? result.lines_failed : result.lines_already_confirmed);
        continue;
      }
      ASSIGN_OR_RETURN(bool paid,
                       AllowanceStore::ConfirmLine(tx, run_id, h.registration_number, h.reason, kLinePaid, c->reason));
      if (!paid) {
        ++result.lines_already_confirmed;
        continue;
      }
      RETURN_IF_ERROR(CreditLedger(tx, *run, h));
      RETURN_IF_ERROR(
          AppendAllowancePaid(tx, source_,
                              {h.registration_number, std::string(run_id), run->month, h.children_with_right,
                               h.amount_centimes, h.arrears_centimes, h.recovery_centimes, h.net_centimes(), today},
                              clock_));
      appended = true;
      ++result.lines_paid;
    }
    ASSIGN_OR_RETURN(AllowanceTotals totals, AllowanceStore::Totals(tx, run_id));
    result.run_paid = totals.lines_pending == 0;
    if (result.run_paid && run->state == kRunInPayment) {
      // Not moved: another confirmation of the last lines moved it to PAID meanwhile.
      RETURN_IF_ERROR(AllowanceStore::MoveState(tx, run_id, kRunInPayment, kRunPaid, clock_.Now()).status());
    }
    return absl::OkStatus();
  }));
  if (appended && on_events_) on_events_();
  log::Info("allowance confirmation applied", {{"run_id", result.run_id},
                                               {"lines_paid", absl::StrCat(result.lines_paid)},
                                               {"lines_failed", absl::StrCat(result.lines_failed)}});
  return result;
}

}  // namespace himaya::beneficiary
