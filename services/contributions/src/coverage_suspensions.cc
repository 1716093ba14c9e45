#include "contributions/src/coverage_suspensions.h"

#include <algorithm>

#include "contributions/src/call_store.h"
#include "contributions/src/contribution_events.h"
#include "contributions/src/suspension_store.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::contributions {

CoverageSuspensions::CoverageSuspensions(storage::Database& db, const ContributionRules& rules,
                                         events::EventSource source, CoverageSuspensionsOptions options,
                                         std::function<void()> on_committed)
    : db_(db),
      rules_(rules),
      source_(std::move(source)),
      options_(std::move(options)),
      on_committed_(std::move(on_committed)) {}

CoverageSuspensions::~CoverageSuspensions() { Stop(); }

absl::StatusOr<int64_t> CoverageSuspensions::CheckArrears() {
  const absl::CivilDay today = absl::ToCivilDay(source_.clock->Now(), options_.zone);
  int64_t suspended = 0;
  for (const std::string& program : options_.programs) {
    const ProgramRules* rules = rules_.For(program);
    if (rules == nullptr || rules->payer != Payer::kInsured) continue;
    // A call due on `cutoff` suspends from cutoff + grace_days + 1 = today.
    const absl::CivilDay cutoff = today - rules->grace_days - 1;
    std::string after;
    bool last_page = false;
    while (!last_page && (loop_ == nullptr || !loop_->stopping())) {
      int64_t page_suspended = 0;
      RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
        page_suspended = 0;
        ASSIGN_OR_RETURN(std::vector<InsuredInArrears> page,
                         SuspensionStore::InArrears(tx, program, cutoff, today, after, options_.page_size));
        last_page = static_cast<int>(page.size()) < options_.page_size;
        for (const InsuredInArrears& a : page) {
          ASSIGN_OR_RETURN(bool new_suspension,
                           SuspendIfInArrears(tx, *rules, source_, program, a.registration_number, today));
          if (new_suspension) ++page_suspended;
        }
        if (!page.empty()) after = page.back().registration_number;
        return absl::OkStatus();
      }));
      suspended += page_suspended;
      if (page_suspended > 0) on_committed_();
    }
  }
  if (suspended > 0) log::Info("coverage suspended for arrears", {{"insured", suspended}});
  return suspended;
}

void CoverageSuspensions::Start() {
  if (loop_ != nullptr) return;
  loop_ = std::make_unique<core::BackgroundLoop>([this] {
    absl::StatusOr<int64_t> done = CheckArrears();
    if (!done.ok()) log::Warn("suspension pass failed", {{"error", std::string(done.status().message())}});
    return options_.period;
  });
  loop_->Start();
}

void CoverageSuspensions::Wake() {
  if (loop_ != nullptr) loop_->Wake();
}

void CoverageSuspensions::Stop() {
  if (loop_ != nullptr) loop_->Stop();
}

absl::StatusOr<bool> CoverageSuspensions::SuspendIfInArrears(storage::Transaction& tx, const ProgramRules& rules,
                                                             const events::EventSource& source,
                                                             absl::string_view program,
                                                             absl::string_view registration_number,
                                                             absl::CivilDay today) {
  // Locked as a payment locks them (all the insured's unpaid calls, in the same order): a payment
  // applied meanwhile either committed first, and its calls are seen paid here, or waits for
  // this transaction, and then sees its suspension.
  ASSIGN_OR_RETURN(std::vector<Call> unpaid, CallStore::UnpaidOfForUpdate(tx, registration_number));
  std::vector<const Call*> past_due;
  for (const Call& c : unpaid) {
    if (c.program == program && c.due_date < today) past_due.push_back(&c);
  }
  if (past_due.empty()) return false;
  Suspension s{std::string(registration_number),
               std::string(program),
               {},
               0,
               past_due[0]->period,
               past_due[0]->region,
               source.clock->Now(),
               std::nullopt,
               ""};
  absl::CivilDay oldest_due = past_due[0]->due_date;
  for (const Call* c : past_due) {
    oldest_due = std::min(oldest_due, c->due_date);
    s.oldest_unpaid_period = std::min(s.oldest_unpaid_period, c->period);
    s.region = std::min(s.region, c->region);
    s.arrears_centimes += c->amount_centimes - c->paid_centimes;
  }
  // A call due on today - grace_days - 1 suspends from today.
  if (oldest_due > today - rules.grace_days - 1) return false;
  s.from_date = SuspensionDay(rules, oldest_due);
  ASSIGN_OR_RETURN(bool inserted, SuspensionStore::Insert(tx, s));
  if (inserted) RETURN_IF_ERROR(AppendCoverageSuspended(tx, source, s));
  return inserted;
}

absl::Status CoverageSuspensions::RestoreAfterPayment(storage::Transaction& tx, const ContributionRules& rules,
                                                      const events::EventSource& source,
                                                      absl::string_view registration_number, absl::CivilDay paid_on,
                                                      absl::string_view payment_id, absl::CivilDay today) {
  ASSIGN_OR_RETURN(std::vector<Suspension> open, SuspensionStore::OpenOf(tx, registration_number));
  for (const Suspension& s : open) {
    const ProgramRules* program = rules.For(s.program);
    const int grace_days = program == nullptr ? 0 : program->grace_days;
    ASSIGN_OR_RETURN(bool still_in_arrears,
                     SuspensionStore::HasUnpaidDueBy(tx, registration_number, s.program, today - grace_days - 1));
    if (still_in_arrears) continue;
    const absl::CivilDay from = std::max(paid_on, s.from_date);
    const absl::Time now = source.clock->Now();
    ASSIGN_OR_RETURN(bool restored, SuspensionStore::Restore(tx, s, from, payment_id, now));
    if (restored) RETURN_IF_ERROR(AppendCoverageRestored(tx, source, s, from, payment_id, now));
  }
  return absl::OkStatus();
}

}  // namespace himaya::contributions
