#include "claims/src/claim_clock.h"

#include <algorithm>
#include <map>

#include "claims/src/claim_decision_store.h"
#include "claims/src/claim_store.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::claims {
namespace {

const prometheus::Histogram::BucketBoundaries& DayBuckets() {
  static const auto* const buckets =
      new prometheus::Histogram::BucketBoundaries{0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 60};
  return *buckets;
}

}  // namespace

ProcessingTime::ProcessingTime(prometheus::Registry& registry)
    : days_(prometheus::BuildHistogram()
                .Name("himaya_claims_processing_days")
                .Help("Days from a file's receipt to its settlement (decided with nothing to pay, or paid), by program")
                .Register(registry)) {}

void ProcessingTime::Observe(const std::string& program, absl::Time received_at, absl::Time settled_at) {
  const double days = std::max(0.0, absl::ToDoubleHours(settled_at - received_at) / 24.0);
  days_.Add({{"program", program}}, DayBuckets()).Observe(days);
}

std::string AgeBucket(int64_t days) {
  if (days <= 2) return "0-2";
  if (days <= 5) return "3-5";
  if (days <= 8) return "6-8";
  if (days <= 14) return "9-14";
  if (days <= 30) return "15-30";
  return "31+";
}

ClaimClock::ClaimClock(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
                       absl::TimeZone zone, absl::Duration interval)
    : db_(db),
      clock_(clock),
      zone_(zone),
      interval_(interval),
      open_(prometheus::BuildGauge()
                .Name("himaya_claims_open")
                .Help("Files not settled yet (neither rejected nor paid), by program and age in days since receipt")
                .Register(registry)),
      past_due_(prometheus::BuildGauge()
                    .Name("himaya_claims_past_due")
                    .Help("Files not settled yet whose due date has passed, by program")
                    .Register(registry)) {}

absl::Status ClaimClock::Refresh() {
  std::vector<OpenFiles> open;
  std::vector<OpenFiles> past_due;
  const absl::Time now = clock_.Now();
  absl::Status read = db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(open, ClaimDecisionStore::OpenByAge(tx, now));
    ASSIGN_OR_RETURN(past_due, ClaimDecisionStore::PastDue(tx, Today()));
    return absl::OkStatus();
  });
  if (!read.ok()) {
    log::Warn("claims clock gauges not refreshed", {{"error", std::string(read.message())}});
    return read;
  }
  std::map<std::pair<std::string, std::string>, int64_t> by_age;
  for (const OpenFiles& o : open) by_age[{o.program, AgeBucket(o.age_days)}] += o.files;
  std::map<std::string, int64_t> late;
  for (const OpenFiles& o : past_due) late[o.program] += o.files;
  absl::MutexLock lock(&mu_);
  for (const auto& group : seen_open_) by_age.try_emplace(group, 0);
  for (const std::string& program : seen_past_due_) late.try_emplace(program, 0);
  for (const auto& [group, files] : by_age) {
    open_.Add({{"program", group.first}, {"age", group.second}}).Set(static_cast<double>(files));
    seen_open_.insert(group);
  }
  for (const auto& [program, files] : late) {
    past_due_.Add({{"program", program}}).Set(static_cast<double>(files));
    seen_past_due_.insert(program);
  }
  return absl::OkStatus();
}

absl::StatusOr<ClaimPage> ClaimClock::Overdue(int page_size, const std::string& page_token) {
  const absl::CivilDay today = Today();
  return ReadClaimPage(db_, page_size, page_token,
                       [today](storage::Transaction& tx, const std::optional<ClaimCursor>& after, int limit) {
                         return ClaimStore::Overdue(tx, today, after, limit);
                       });
}

}  // namespace himaya::claims
