#include "claims/src/payment_runs.h"

#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "claims/src/payment_events.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "core/utf8.h"
#include "liaison/csv_field.h"

namespace himaya::claims {
namespace {

constexpr size_t kMaxCreatedBy = 64;
constexpr size_t kMaxRunIdLength = 64;

absl::Status CheckRunId(absl::string_view run_id) {
  if (run_id.empty() || run_id.size() > kMaxRunIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("run_id: required, at most ", kMaxRunIdLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status UnknownRun(absl::string_view run_id) {
  return absl::NotFoundError(absl::StrCat("payment run ", run_id, ": unknown"));
}

}  // namespace

std::string RunIdOf(absl::CivilDay date) {
  return absl::StrFormat("PAY-%04d%02d%02d", date.year(), date.month(), date.day());
}

std::vector<PaymentLine> GroupIntoLines(std::vector<RunClaim>& claims) {
  std::vector<PaymentLine> lines;
  for (RunClaim& c : claims) {
    if (lines.empty() || lines.back().registration_number != c.registration_number) {
      lines.push_back({static_cast<int64_t>(lines.size()) + 1, c.registration_number, 0, 0, LineStatus::kPending, ""});
    }
    PaymentLine& line = lines.back();
    ++line.claims;
    line.amount_centimes += c.amount_centimes;
    c.line = line.line;
  }
  return lines;
}

absl::StatusOr<PaymentRun> PaymentRuns::Create(absl::string_view date_text, absl::string_view created_by) {
  absl::CivilDay date;
  if (!absl::ParseCivilTime(date_text, &date) || date_text.size() != 10) {
    return absl::InvalidArgumentError("date: YYYY-MM-DD required");
  }
  if (created_by.size() > kMaxCreatedBy || !core::IsValidUtf8(created_by)) {
    return absl::InvalidArgumentError(absl::StrCat("created_by: UTF-8 text of at most ", kMaxCreatedBy, " bytes"));
  }
  const std::string run_id = RunIdOf(date);
  PaymentRun run;
  bool made = false;
  auto make_or_find = [&](storage::Transaction& tx) -> absl::Status {
    made = false;
    ASSIGN_OR_RETURN(std::optional<PaymentRun> existing, PaymentStore::FindRunOfDate(tx, date));
    if (existing) {
      run = std::move(*existing);
      return absl::OkStatus();
    }
    PaymentRun fresh;
    fresh.run_id = run_id;
    fresh.date = date;
    fresh.created_by = std::string(created_by);
    fresh.created_at = source_.clock->Now();
    RETURN_IF_ERROR(PaymentStore::InsertRun(tx, fresh));
    ASSIGN_OR_RETURN(std::vector<RunClaim> claims, PaymentStore::TakePayableClaims(tx, run_id));
    if (claims.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(kNothingToPay, ": no decided file waits for payment"));
    }
    const std::vector<PaymentLine> lines = GroupIntoLines(claims);
    RETURN_IF_ERROR(PaymentStore::InsertLines(tx, run_id, lines, claims));
    ASSIGN_OR_RETURN(std::optional<PaymentRun> stored, PaymentStore::FindRun(tx, run_id));
    run = std::move(stored).value();
    made = true;
    return absl::OkStatus();
  };
  absl::Status status = db_.Write(make_or_find);
  // Another call made the date's run meanwhile (its insert waited for that one's commit): it is
  // the run asked for.
  if (absl::IsAlreadyExists(status)) status = db_.Write(make_or_find);
  RETURN_IF_ERROR(status);
  if (made) {
    log::Info("payment run made", {{"run_id", run.run_id},
                                   {"claims", run.claims},
                                   {"insured", run.insured},
                                   {"total_centimes", run.total_centimes}});
  }
  return run;
}

absl::StatusOr<PaymentRun> PaymentRuns::Get(absl::string_view run_id) {
  RETURN_IF_ERROR(CheckRunId(run_id));
  std::optional<PaymentRun> run;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(run, PaymentStore::FindRun(tx, run_id));
    return absl::OkStatus();
  }));
  if (!run) return UnknownRun(run_id);
  return *run;
}

absl::StatusOr<InstructionsPage> PaymentRuns::ReadInstructionsPage(absl::string_view run_id,
                                                                   std::optional<int64_t> after_line, int page_lines) {
  RETURN_IF_ERROR(CheckRunId(run_id));
  InstructionsPage page;
  std::vector<PaymentLine> lines;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    if (!after_line) {
      ASSIGN_OR_RETURN(std::optional<PaymentRun> run, PaymentStore::FindRun(tx, run_id));
      if (!run) return UnknownRun(run_id);
    }
    ASSIGN_OR_RETURN(lines, PaymentStore::Lines(tx, run_id, after_line.value_or(0), page_lines));
    return absl::OkStatus();
  }));
  if (!after_line) page.csv = std::string(kInstructionsHeader);
  for (const PaymentLine& l : lines) {
    absl::StrAppend(&page.csv, liaison::CsvField(run_id), ",", l.line, ",", liaison::CsvField(l.registration_number),
                    ",", l.claims, ",", l.amount_centimes, "\n");
  }
  page.next_after_line = lines.empty() ? after_line.value_or(0) : lines.back().line;
  page.last = static_cast<int>(lines.size()) < page_lines;
  return page;
}

absl::StatusOr<std::string> PaymentRuns::Instructions(absl::string_view run_id) {
  std::string csv;
  std::optional<int64_t> after;
  for (;;) {
    ASSIGN_OR_RETURN(InstructionsPage page, ReadInstructionsPage(run_id, after));
    csv += page.csv;
    if (page.last) return csv;
    after = page.next_after_line;
  }
}

absl::StatusOr<ConfirmationResult> PaymentRuns::Confirm(absl::string_view run_id,
                                                        const std::vector<ConfirmedLine>& confirmed) {
  RETURN_IF_ERROR(CheckRunId(run_id));
  ConfirmationResult result;
  std::vector<RunClaim> paid;
  absl::Time at;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    result = ConfirmationResult{std::string(run_id)};
    at = source_.clock->Now();
    ASSIGN_OR_RETURN(std::optional<PaymentRun> run, PaymentStore::FindRun(tx, run_id));
    if (!run) return UnknownRun(run_id);
    ASSIGN_OR_RETURN(std::vector<PaymentLine> lines,
                     PaymentStore::Lines(tx, run_id, 0, std::numeric_limits<int32_t>::max()));
    absl::flat_hash_map<int64_t, const PaymentLine*> by_number;
    for (const PaymentLine& l : lines) by_number[l.line] = &l;
    std::vector<int64_t> newly_paid;
    std::vector<const ConfirmedLine*> newly_failed;
    for (const ConfirmedLine& c : confirmed) {
      const std::string at_line = absl::StrCat("line ", c.line, " (record ", c.record, "): ");
      auto it = by_number.find(c.line);
      if (it == by_number.end()) return absl::InvalidArgumentError(absl::StrCat(at_line, "the run has no such line"));
      const PaymentLine& line = *it->second;
      if (line.registration_number != c.registration_number) {
        return absl::InvalidArgumentError(absl::StrCat(at_line, "registration_number is not the line's"));
      }
      if (line.status == LineStatus::kPending) {
        if (c.status == LineStatus::kPaid) {
          newly_paid.push_back(c.line);
        } else {
          newly_failed.push_back(&c);
        }
      } else if (line.status == c.status) {
        ++result.lines_already_confirmed;
      } else {
        return absl::FailedPreconditionError(absl::StrCat(at_line, "confirmed ", LineStatusName(line.status),
                                                          " before, this file says ", LineStatusName(c.status)));
      }
    }
    RETURN_IF_ERROR(PaymentStore::MarkLinesPaid(tx, run_id, newly_paid, at));
    for (const ConfirmedLine* c : newly_failed) {
      RETURN_IF_ERROR(PaymentStore::MarkLineFailed(tx, run_id, c->line, c->reason, at));
    }
    ASSIGN_OR_RETURN(paid, PaymentStore::SettlePaidClaims(tx, run_id, at));
    RETURN_IF_ERROR(AppendClaimsPaid(tx, source_, run_id, paid, at));
    ASSIGN_OR_RETURN(result.claims_returned, PaymentStore::ReturnFailedClaims(tx, run_id));
    ASSIGN_OR_RETURN(result.run_confirmed, PaymentStore::ConfirmRunIfComplete(tx, run_id, at));
    result.lines_paid = static_cast<int64_t>(newly_paid.size());
    result.lines_failed = static_cast<int64_t>(newly_failed.size());
    result.claims_paid = static_cast<int64_t>(paid.size());
    return absl::OkStatus();
  }));
  log::Info("payment confirmation applied", {{"run_id", result.run_id},
                                             {"lines_paid", result.lines_paid},
                                             {"lines_failed", result.lines_failed},
                                             {"lines_already_confirmed", result.lines_already_confirmed},
                                             {"claims_paid", result.claims_paid},
                                             {"claims_returned", result.claims_returned},
                                             {"run_confirmed", result.run_confirmed}});
  if (!paid.empty()) {
    if (hooks_.on_events) hooks_.on_events();
    if (hooks_.on_paid) hooks_.on_paid(paid, at);
  }
  return result;
}

}  // namespace himaya::claims
