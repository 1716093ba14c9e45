#include "beneficiary/src/allowance_runs.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/coverage.h"
#include "beneficiary/src/insured_store.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

constexpr size_t kMaxAgentChars = 64;

absl::Status CheckAgent(absl::string_view field, absl::string_view agent, bool required) {
  if (required && agent.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  if (agent.size() > kMaxAgentChars) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is longer than ", kMaxAgentChars, " characters"));
  }
  for (char c : agent) {
    if (c < 0x20 || c > 0x7E) return absl::InvalidArgumentError(absl::StrCat(field, ": must be printable ASCII"));
  }
  return absl::OkStatus();
}

// The key of the lock that starts and approvals take first and hold while they check the order
// of runs and write: two at once (on PostgreSQL) would otherwise each pass its checks before the
// other commits, and two months be approved together.
constexpr int64_t kRunOrderLockKey = 0x616c772d6f72;  // "alw-or"

// Refuses to start or approve the run of `month` while another month's run is being paid, or
// when a later month's run was approved already (see kRunInProgress). `tx` holds the run order's
// lock, taken before it read anything.
absl::Status CheckRunOrder(storage::Transaction& tx, absl::CivilMonth month) {
  ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> paying, AllowanceStore::RunInPaymentBesides(tx, month));
  if (paying) {
    return absl::FailedPreconditionError(absl::StrCat(kRunInProgress, ": the run of ", FormatMonth(paying->month),
                                                      " is ", paying->state, ", its payment is not confirmed yet"));
  }
  ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> latest, AllowanceStore::LatestApprovedRun(tx));
  if (latest && latest->month > month) {
    return absl::FailedPreconditionError(absl::StrCat(kMonthBeforeLastRun, ": the run of ", FormatMonth(latest->month),
                                                      " is ", latest->state, " already"));
  }
  return absl::OkStatus();
}

// The household as the rules read it, from what is stored.
AllowanceHousehold HouseholdOf(const std::string& number, const std::optional<Insured>& insured,
                               const std::vector<const Dependent*>& children,
                               std::map<absl::CivilMonth, int64_t> credited, int64_t recovered) {
  AllowanceHousehold h;
  h.registration_number = number;
  // Covered as eligibility says: from registration, but on the days of a suspension.
  if (insured && insured->registered) h.insured_periods = InsuredPeriods(*insured);
  for (const Dependent* d : children) {
    if (d->state != DependentState::kActive || !d->birth_date) {
      ++h.children_pending;
      continue;
    }
    AllowanceChild child;
    child.beneficiary_id = d->beneficiary_id;
    child.birth_date = *d->birth_date;
    child.disabled = d->disabled;
    child.studying_until = d->studying_until;
    child.apprenticeship_until = d->apprenticeship_until;
    child.periods = FactsOf(*d).periods;
    h.children.push_back(std::move(child));
  }
  h.credited = std::move(credited);
  h.recovered = recovered;
  return h;
}

}  // namespace

std::string AllowanceRunId(absl::CivilMonth month) {
  return absl::StrFormat("ALW-%04d%02d", month.year(), month.month());
}

absl::StatusOr<AllowanceRunRecord> AllowanceRuns::Find(absl::string_view run_id) {
  std::optional<AllowanceRunRecord> run;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(run, AllowanceStore::FindRun(tx, run_id));
    return absl::OkStatus();
  }));
  if (!run) return absl::NotFoundError("run_id: no such allowance run");
  return *run;
}

absl::StatusOr<AllowanceRun> AllowanceRuns::Get(absl::string_view run_id) {
  AllowanceRun out;
  std::optional<AllowanceRunRecord> run;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(run, AllowanceStore::FindRun(tx, run_id));
    if (!run) return absl::OkStatus();
    ASSIGN_OR_RETURN(out.totals, AllowanceStore::Totals(tx, run_id));
    return absl::OkStatus();
  }));
  if (!run) return absl::NotFoundError("run_id: no such allowance run");
  out.record = *std::move(run);
  return out;
}

absl::StatusOr<AllowanceRun> AllowanceRuns::Start(absl::string_view month_text, absl::string_view created_by) {
  std::optional<absl::CivilMonth> month = ParseMonth(month_text);
  if (!month) return absl::InvalidArgumentError("month: must be a month written YYYY-MM");
  if (*month < rules_.start_month()) {
    return absl::InvalidArgumentError(
        absl::StrCat("month: family allowances start in ", FormatMonth(rules_.start_month())));
  }
  RETURN_IF_ERROR(CheckAgent("created_by", created_by, false));
  const std::string run_id = AllowanceRunId(*month);
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(storage::LockUntilTransactionEnds(tx, kRunOrderLockKey));
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> run, AllowanceStore::FindRunOfMonth(tx, *month));
    if (run && run->state != kRunDraft) {
      return absl::FailedPreconditionError(
          absl::StrCat(kRunNotDraft, ": the run of ", FormatMonth(*month), " is ", run->state, " already"));
    }
    RETURN_IF_ERROR(CheckRunOrder(tx, *month));
    if (!run) {
      AllowanceRunRecord fresh;
      fresh.run_id = run_id;
      fresh.month = *month;
      fresh.state = kRunDraft;
      fresh.created_by = std::string(created_by);
      fresh.created_at = clock_.Now();
      return AllowanceStore::InsertRun(tx, fresh);
    }
    ASSIGN_OR_RETURN(bool restarted, AllowanceStore::Restart(tx, run_id, run->generation + 1, clock_.Now()));
    if (!restarted) return absl::AbortedError("the run changed state meanwhile");
    return absl::OkStatus();
  }));
  log::Info("allowance run started", {{"run_id", run_id}, {"created_by", std::string(created_by)}});
  return Get(run_id);
}

absl::StatusOr<bool> AllowanceRuns::ComputePage(const AllowanceRunRecord& run, std::string& cursor) {
  std::vector<std::string> numbers;
  std::vector<Insured> insured;
  std::vector<Dependent> children;
  std::map<std::string, std::map<absl::CivilMonth, int64_t>> credits;
  std::map<std::string, int64_t> recovered;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(numbers,
                     BeneficiaryStore::HouseholdsAfter(tx, kFamilyAllowancesProgram, cursor, options_.page_households));
    if (numbers.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(insured, InsuredStore::FindMany(tx, numbers));
    ASSIGN_OR_RETURN(children,
                     BeneficiaryStore::ChildrenBetween(tx, kFamilyAllowancesProgram, numbers.front(), numbers.back()));
    ASSIGN_OR_RETURN(credits, AllowanceStore::CreditsBetween(tx, numbers.front(), numbers.back()));
    ASSIGN_OR_RETURN(recovered, AllowanceStore::RecoveredBetween(tx, numbers.front(), numbers.back()));
    return absl::OkStatus();
  }));
  const bool last = numbers.size() < static_cast<size_t>(options_.page_households);
  std::map<std::string, const Insured*> insured_of;
  for (const Insured& i : insured) insured_of[i.registration_number] = &i;
  std::map<std::string, std::vector<const Dependent*>> children_of;
  for (const Dependent& d : children) children_of[d.registration_number].push_back(&d);
  std::vector<AllowanceLine> lines;
  std::vector<AllowanceStore::Arrears> arrears;
  lines.reserve(numbers.size());
  for (const std::string& number : numbers) {
    const auto in = insured_of.find(number);
    std::optional<Insured> holder;
    if (in != insured_of.end()) holder = *in->second;
    const AllowanceHousehold household =
        HouseholdOf(number, holder, children_of[number], credits[number], recovered[number]);
    const AllowanceDecision d = DecideAllowance(rules_, household, run.month);
    AllowanceLine line;
    line.registration_number = number;
    line.region = holder ? holder->region : "";
    line.children_with_right = d.children_with_right;
    line.amount_centimes = d.amount_centimes;
    line.arrears_centimes = d.arrears_centimes;
    line.recovery_centimes = d.recovery_centimes;
    line.reason = std::string(AllowanceReasonName(d.reason));
    lines.push_back(std::move(line));
    for (const auto& [month, centimes] : d.arrears_by_month) arrears.push_back({number, month, centimes});
  }
  const std::string next = numbers.empty() ? cursor : numbers.back();
  bool advanced = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    // The cursor first: a page another process wrote already, or of an older generation, is
    // not written twice.
    ASSIGN_OR_RETURN(advanced,
                     AllowanceStore::Advance(tx, run.run_id, run.generation, cursor, next, last, clock_.Now()));
    if (!advanced) return absl::OkStatus();
    return AllowanceStore::InsertHouseholds(tx, run.run_id, lines, arrears);
  }));
  if (!advanced) return false;
  cursor = next;
  return !last;
}

absl::Status AllowanceRuns::Compute(absl::string_view run_id, const std::function<bool()>& stopping) {
  ASSIGN_OR_RETURN(AllowanceRunRecord run, Find(run_id));
  if (run.state != kRunDraft) {
    return absl::FailedPreconditionError(absl::StrCat(kRunNotDraft, ": the run is ", run.state));
  }
  if (run.complete) return absl::OkStatus();
  std::string cursor = run.cursor;
  for (;;) {
    if (stopping && stopping()) return absl::CancelledError("allowance run: the process is stopping");
    ASSIGN_OR_RETURN(bool more, ComputePage(run, cursor));
    if (!more) break;
  }
  log::Info("allowance run computed", {{"run_id", run.run_id}});
  return absl::OkStatus();
}

absl::Status AllowanceRuns::ComputeUnfinished(const std::function<bool()>& stopping) {
  std::vector<std::string> runs;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(runs, AllowanceStore::UnfinishedDrafts(tx));
    return absl::OkStatus();
  }));
  for (const std::string& run_id : runs) {
    absl::Status computed = Compute(run_id, stopping);
    // A draft approved meanwhile is not an error of the pass.
    if (!computed.ok() && !absl::IsFailedPrecondition(computed)) return computed;
  }
  return absl::OkStatus();
}

absl::StatusOr<CsvPage> AllowanceRuns::ReadReportPage(absl::string_view run_id, std::optional<int64_t> after,
                                                      int page_rows) {
  CsvPage page;
  absl::Status read = db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> run, AllowanceStore::FindRun(tx, run_id));
    if (!run) return absl::NotFoundError("run_id: no such allowance run");
    if (!run->complete) return absl::FailedPreconditionError("run_id: the draft is still being computed");
    if (!after) {
      page.csv = std::string(kAllowanceReportHeader);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<AllowanceLine> households,
                     AllowanceStore::Households(tx, run_id, *after == 0 ? "" : absl::StrCat(*after), page_rows));
    for (const AllowanceLine& h : households) {
      absl::StrAppend(&page.csv, h.registration_number, ",", h.children_with_right, ",", h.amount_centimes, ",",
                      h.arrears_centimes, ",", h.recovery_centimes, ",", h.reason, "\n");
    }
    page.last = households.size() < static_cast<size_t>(page_rows);
    if (!households.empty()) {
      // Registration numbers are 9 digits that never start with 0: a number is their order.
      if (!absl::SimpleAtoi(households.back().registration_number, &page.next_after)) {
        return absl::InternalError("a household's registration number is not a number");
      }
    }
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(read);
  if (!after) page.next_after = 0;
  return page;
}

absl::StatusOr<std::string> AllowanceRuns::WholeCsv(
    const std::function<absl::StatusOr<CsvPage>(std::optional<int64_t>)>& read) {
  std::string out;
  std::optional<int64_t> after;
  for (;;) {
    ASSIGN_OR_RETURN(CsvPage page, read(after));
    out += page.csv;
    if (after && (page.last || page.csv.empty())) break;
    after = page.next_after;
  }
  return out;
}

absl::StatusOr<std::string> AllowanceRuns::Report(absl::string_view run_id) {
  return WholeCsv([&](std::optional<int64_t> after) { return ReadReportPage(run_id, after); });
}

absl::StatusOr<AllowanceRun> AllowanceRuns::Approve(absl::string_view run_id, absl::string_view agent) {
  RETURN_IF_ERROR(CheckAgent("agent", agent, true));
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(storage::LockUntilTransactionEnds(tx, kRunOrderLockKey));
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> run, AllowanceStore::FindRun(tx, run_id));
    if (!run) return absl::NotFoundError("run_id: no such allowance run");
    if (run->state != kRunDraft) {
      return absl::FailedPreconditionError(absl::StrCat(kRunNotDraft, ": the run is ", run->state, " already"));
    }
    if (!run->complete) return absl::FailedPreconditionError("run_id: the draft is still being computed");
    RETURN_IF_ERROR(CheckRunOrder(tx, run->month));
    ASSIGN_OR_RETURN(std::optional<AllowanceRunRecord> paid, AllowanceStore::RunPaidLast(tx));
    if (paid && run->computed_at && *run->computed_at < *paid->paid_at) {
      return absl::FailedPreconditionError(absl::StrCat(kDraftOutdated, ": the run of ", FormatMonth(paid->month),
                                                        " was paid after this draft was computed; start it again"));
    }
    // What was read is what is approved: the draft complete, of the generation read (a start
    // meanwhile restarts it, on PostgreSQL's READ COMMITTED as well).
    ASSIGN_OR_RETURN(bool approved, AllowanceStore::ApproveDraft(tx, run_id, run->generation, agent, clock_.Now()));
    if (!approved) {
      return absl::FailedPreconditionError("run_id: the draft was started again meanwhile; approve it once computed");
    }
    return absl::OkStatus();
  }));
  log::Info("allowance run approved", {{"run_id", std::string(run_id)}, {"agent", std::string(agent)}});
  return Get(run_id);
}

absl::Duration AllowanceDraftWorker::Pass() {
  absl::Status computed = runs_.ComputeUnfinished([this] { return loop_.stopping(); });
  if (!computed.ok() && !absl::IsCancelled(computed)) {
    log::Warn("allowance draft not computed yet",
              {{"error", std::string(computed.message())}, {"code", absl::StatusCodeToString(computed.code())}});
    return retry_;
  }
  return absl::Hours(1);  // woken by the next start
}

}  // namespace himaya::beneficiary
