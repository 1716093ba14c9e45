#include "contributions/src/contribution_calls.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "contributions/src/call_store.h"
#include "contributions/src/contribution_events.h"
#include "contributions/src/insured_store.h"
#include "contributions/src/payment_application.h"
#include "contributions/src/payment_store.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::contributions {
namespace {

// The calls just made for the insured numbered in [first, last], settled from the credit their
// payments kept, oldest payment first (ContributionPaid for each payment drawn on).
absl::Status SettleFromCredit(storage::Transaction& tx, const events::EventSource& source,
                              const std::vector<Call>& made, absl::string_view first, absl::string_view last) {
  absl::flat_hash_set<std::string> owing;
  for (const Call& c : made) {
    if (c.payer == Payer::kInsured && c.amount_centimes > 0) owing.insert(c.registration_number);
  }
  if (owing.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(CallStore::LockUnpaidInNumberOrder(tx, {owing.begin(), owing.end()}));
  ASSIGN_OR_RETURN(std::vector<Payment> credits, PaymentStore::WithCreditForUpdate(tx, first, last));
  absl::flat_hash_set<std::string> settled;
  for (const Payment& p : credits) {
    if (!owing.contains(p.registration_number) || settled.contains(p.registration_number)) continue;
    PaymentRow payment;
    payment.row = p.row;
    payment.payment_id = p.payment_id;
    payment.registration_number = p.registration_number;
    payment.amount_centimes = p.amount_centimes;
    payment.paid_on = p.paid_on;
    const std::string program = made.front().program;
    ASSIGN_OR_RETURN(Application applied,
                     ApplyPayment(tx, source, payment, p.unapplied_centimes, program,
                                  [&](int64_t left) { return PaymentStore::SetUnapplied(tx, p.payment_id, left); }));
    if (applied.still_owed_centimes == 0) settled.insert(p.registration_number);
  }
  return absl::OkStatus();
}

}  // namespace

ContributionCalls::ContributionCalls(storage::Database& db, const ContributionRules& rules, events::EventSource source,
                                     ContributionCallsOptions options, std::function<void()> on_committed)
    : db_(db),
      rules_(rules),
      source_(std::move(source)),
      options_(std::move(options)),
      on_committed_(std::move(on_committed)) {}

std::vector<std::string> ContributionCalls::Programs() const {
  std::vector<std::string> out;
  for (const std::string& program : rules_.Programs()) {
    if (std::find(options_.programs.begin(), options_.programs.end(), program) != options_.programs.end()) {
      out.push_back(program);
    }
  }
  return out;
}

absl::StatusOr<CallResult> ContributionCalls::CallPeriod(absl::string_view period_text) {
  ASSIGN_OR_RETURN(absl::CivilMonth period, ParsePeriod(period_text));
  const absl::CivilMonth this_month(absl::ToCivilDay(source_.clock->Now(), options_.zone));
  if (period > this_month) {
    return absl::InvalidArgumentError(absl::StrCat("period: ", FormatPeriod(period), " has not begun"));
  }
  const absl::CivilDay last_day = absl::CivilDay(period + 1) - 1;
  CallResult result;
  result.period = FormatPeriod(period);
  const std::vector<std::string> programs = Programs();
  for (const std::string& program : programs) {
    const ProgramRules& rules = *rules_.For(program);
    // The previous month's call is the one made on time this month; and none is due before the
    // month it is made in ends (rules may make a period due within itself).
    const absl::CivilDay due_date =
        std::max({DueDate(rules, period), DueDate(rules, this_month - 1), absl::CivilDay(this_month + 1) - 1});
    std::string after;
    bool last_page = false;
    while (!last_page) {
      int64_t called = 0;
      int64_t not_called = 0;
      RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
        called = 0;
        not_called = 0;
        ASSIGN_OR_RETURN(std::vector<Insured> page,
                         InsuredStore::Page(tx, program, last_day, after, options_.page_size));
        last_page = static_cast<int>(page.size()) < options_.page_size;
        if (page.empty()) return absl::OkStatus();
        ASSIGN_OR_RETURN(std::vector<std::string> done,
                         CallStore::CalledBetween(tx, program, period, page.front().registration_number,
                                                  page.back().registration_number));
        const absl::flat_hash_set<std::string> already(done.begin(), done.end());
        const absl::Time now = source_.clock->Now();
        std::vector<Call> calls;
        calls.reserve(page.size());
        for (const Insured& insured : page) {
          if (already.contains(insured.registration_number)) continue;
          absl::StatusOr<int64_t> amount = MonthlyAmount(rules, insured.category);
          if (!amount.ok()) {
            ++not_called;
            log::Warn("insured not called: no income for their category",
                      {{"registration_number", insured.registration_number},
                       {"program", program},
                       {"category", insured.category}});
            continue;
          }
          calls.push_back({insured.registration_number, program, period, rules.payer, insured.category, insured.region,
                           *amount, 0, due_date, now});
        }
        ASSIGN_OR_RETURN(std::vector<Call> inserted, CallStore::InsertNew(tx, calls));
        called = static_cast<int64_t>(inserted.size());
        RETURN_IF_ERROR(AppendContributionsCalled(tx, source_, inserted));
        RETURN_IF_ERROR(
            SettleFromCredit(tx, source_, inserted, page.front().registration_number, page.back().registration_number));
        after = page.back().registration_number;
        return absl::OkStatus();
      }));
      result.insured_called += called;
      result.insured_not_called += not_called;
      if (called > 0) on_committed_();
    }
  }
  PeriodTotals totals;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(totals, CallStore::Totals(tx, period, programs));
    return absl::OkStatus();
  }));
  result.insured_already_called = std::max<int64_t>(0, totals.calls - result.insured_called);
  result.billed_to_insured_centimes = totals.billed_to_insured_centimes;
  result.billed_to_state_centimes = totals.billed_to_state_centimes;
  log::Info("contributions called", {{"period", result.period},
                                     {"called", result.insured_called},
                                     {"already_called", result.insured_already_called},
                                     {"not_called", result.insured_not_called}});
  return result;
}

}  // namespace himaya::contributions
