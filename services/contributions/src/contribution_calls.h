// A period's contribution calls: every insured of a program with contributions registered by
// the period's last day and not called for it yet gets a call computed from the rules
// (ContributionCalled through the outbox), a page of insured per transaction, so that a call
// killed halfway is finished by calling again and nobody is called twice.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "contributions/src/contribution_rules.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::contributions {

struct CallResult {
  std::string period;
  int64_t insured_called = 0;
  int64_t insured_already_called = 0;
  int64_t billed_to_insured_centimes = 0;
  int64_t billed_to_state_centimes = 0;
  int64_t insured_not_called = 0;
};

struct ContributionCallsOptions {
  // Insured per page: one transaction each.
  int page_size = 1000;
  // The programs served (--programs): those of them with contributions are called.
  std::vector<std::string> programs;
  // Where the clock's day is read (--time_zone): which month has begun, and the due date of a
  // late call.
  absl::TimeZone zone = absl::UTCTimeZone();
};

class ContributionCalls {
 public:
  // `on_committed` runs after each page that wrote events (the relay's wake-up).
  ContributionCalls(
      storage::Database& db, const ContributionRules& rules, events::EventSource source,
      ContributionCallsOptions options, std::function<void()> on_committed = [] {});

  // Calls `period` (YYYY-MM). A call is due on the rules' due date of its period, but never
  // before the call made on time in the clock's month (that of the month before it) is due: an
  // older period called late is due with it, and no call before the end of the month it is made
  // in, so that nobody is in arrears, or suspended, for the days before they were called.
  // INVALID_ARGUMENT for a period not so written, or one that has not begun
  // on the clock's day; what the database says when a page fails (the pages before stay called:
  // calling again finishes).
  absl::StatusOr<CallResult> CallPeriod(absl::string_view period);

  // The programs served that have contributions.
  std::vector<std::string> Programs() const;

 private:
  storage::Database& db_;
  const ContributionRules& rules_;
  events::EventSource source_;
  const ContributionCallsOptions options_;
  std::function<void()> on_committed_;
};

}  // namespace himaya::contributions
