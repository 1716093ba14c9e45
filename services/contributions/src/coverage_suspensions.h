// Coverage suspended and restored for contributions. An insured with a call billed to them still
// unpaid `grace_days` after its due date is suspended from due date + grace_days + 1
// (CoverageSuspended), found by a pass over the insured in arrears run on the clock every
// `period` and after each import; a payment that leaves no call unpaid beyond the grace period
// restores coverage from its paid_on (CoverageRestored). Calls billed to the state never suspend
// anyone.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "contributions/src/contribution_rules.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::contributions {

struct CoverageSuspensionsOptions {
  absl::TimeZone zone = absl::UTCTimeZone();
  // The programs served (--programs).
  std::vector<std::string> programs;
  // Insured in arrears examined (their calls read again, locked) per transaction.
  int page_size = 1000;
  // How often the pass runs when nothing woke it.
  absl::Duration period = absl::Hours(1);
};

class CoverageSuspensions {
 public:
  // `on_committed` runs after each page that wrote events.
  CoverageSuspensions(
      storage::Database& db, const ContributionRules& rules, events::EventSource source,
      CoverageSuspensionsOptions options, std::function<void()> on_committed = [] {});
  ~CoverageSuspensions();

  // One pass: suspends every insured of a program served whose arrears passed the grace period
  // on the clock's day. Returns how many were suspended.
  absl::StatusOr<int64_t> CheckArrears();

  // Runs CheckArrears on a background loop (every options.period, and when woken).
  void Start();
  void Wake();
  void Stop();

  // Suspends the insured in `program` when, read again under lock, a call billed to them is
  // still unpaid beyond the grace period on `today` and they are not suspended already (the pass
  // found them by a read that took no lock; a payment may have been applied since). Returns
  // whether it suspended them.
  static absl::StatusOr<bool> SuspendIfInArrears(storage::Transaction& tx, const ProgramRules& rules,
                                                 const events::EventSource& source, absl::string_view program,
                                                 absl::string_view registration_number, absl::CivilDay today);

  // After a payment of `payment_id` dated `paid_on` was applied in `tx`: restores the insured's
  // suspensions of the programs where no call billed to them is unpaid beyond the grace period
  // on `today`, from paid_on (from the suspension's first day when paid before it).
  static absl::Status RestoreAfterPayment(storage::Transaction& tx, const ContributionRules& rules,
                                          const events::EventSource& source, absl::string_view registration_number,
                                          absl::CivilDay paid_on, absl::string_view payment_id, absl::CivilDay today);

 private:
  storage::Database& db_;
  const ContributionRules& rules_;
  events::EventSource source_;
  const CoverageSuspensionsOptions options_;
  std::function<void()> on_committed_;
  std::unique_ptr<core::BackgroundLoop> loop_;
};

}  // namespace himaya::contributions
