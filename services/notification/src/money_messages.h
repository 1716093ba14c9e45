// What the events of contributions and family allowances mean to notification, in one place:
// the insured is told when their coverage is suspended for unpaid contributions
// (coverage_suspended: from which day, the arrears) and when it is restored (coverage_restored:
// from which day), and the household when a monthly allowance is paid (allowance_paid: the
// month, the net amount). Each is one SMS per event (event_messages.h); dates are written
// DD/MM/YYYY, months MM/YYYY, amounts in dirhams. Other events of the topics change nothing.
#pragma once

#include <string>

#include "events/inbox.h"
#include "notification/src/event_messages.h"

namespace himaya::notification {

// Consumes himaya.contributions.<program>.v1: CoverageSuspended, CoverageRestored.
class CoverageMessages final : public events::EventApplier {
 public:
  CoverageMessages(
      const core::Clock& clock, core::RandomSource& random,
      EventMessages::RecordedFn on_recorded = [](const std::string&, const std::string&) {})
      : messages_(clock, random, std::move(on_recorded)) {}
  // INVALID_ARGUMENT (dead-lettered) without a registration number, with a day that is not a
  // real YYYY-MM-DD, or negative arrears.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
  void Finished(bool committed) override { messages_.Finished(committed, "coverage"); }

 private:
  EventMessages messages_;
};

// Consumes himaya.beneficiary.family-allowances.v1: AllowancePaid.
class AllowanceMessages final : public events::EventApplier {
 public:
  AllowanceMessages(
      const core::Clock& clock, core::RandomSource& random,
      EventMessages::RecordedFn on_recorded = [](const std::string&, const std::string&) {})
      : messages_(clock, random, std::move(on_recorded)) {}
  // INVALID_ARGUMENT (dead-lettered) without a registration number, with a month that is not
  // YYYY-MM, or a negative amount paid.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
  void Finished(bool committed) override { messages_.Finished(committed, "allowance"); }

 private:
  EventMessages messages_;
};

}  // namespace himaya::notification
