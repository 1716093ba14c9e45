#include "claims/src/claim_clock.h"

#include <algorithm>
#include <map>

#include "claims/src/claim_decision_store.h"
#include "claims/src/claim_store.h"
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

void ProcessingTime::Expect(const std::vector<std::string>& programs) {
  for (const std::string& program : programs) days_.Add({{"program", program}}, DayBuckets());
}

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
                       absl::TimeZone zone, std::vector<std::string> programs)
    : db_(db),
      clock_(clock),
      zone_(zone),
      programs_(std::move(programs)),
      files_(registry, "himaya_claims_files",
             "Reimbursement files by state (RECEIVED, IN_REVIEW, DECIDED, IN_PAYMENT, PAID) and their insured's "
             "program, category and region (empty until decided)",
             {"program", "category", "region", "state"}),
      settled_files_(registry, "himaya_claims_settled_files",
                     "Files settled (decided with nothing to pay, or paid), by program, category and region",
                     {"program", "category", "region"}),
      settled_file_days_(registry, "himaya_claims_settled_file_days",
                         "Days the settled files took from receipt to settlement, summed, by program, category and "
                         "region (divided by himaya_claims_settled_files: the average processing time)",
                         {"program", "category", "region"}),
      open_(registry, "himaya_claims_open",
            "Files not settled yet (neither rejected nor paid), by program and age in days since receipt",
            {"program", "age"}),
      past_due_(registry, "himaya_claims_past_due", "Files not settled yet whose due date has passed, by program",
                {"program"}) {}

absl::Status ClaimClock::Refresh() {
  std::vector<FilesInState> by_state;
  std::vector<SettledFiles> settled;
  std::vector<OpenFiles> open;
  std::vector<OpenFiles> past_due;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(by_state, ClaimDecisionStore::CountByState(tx));
    ASSIGN_OR_RETURN(settled, ClaimDecisionStore::Settled(tx));
    ASSIGN_OR_RETURN(open, ClaimDecisionStore::OpenByAge(tx, now));
    ASSIGN_OR_RETURN(past_due, ClaimDecisionStore::PastDue(tx, Today()));
    return absl::OkStatus();
  }));
  metrics::FigureGauge::Values files, settled_files, settled_days, by_age, late;
  for (const FilesInState& f : by_state) {
    files[{f.program, f.category, f.region, f.state}] += static_cast<double>(f.files);
  }
  for (const SettledFiles& s : settled) {
    settled_files[{s.program, s.category, s.region}] = static_cast<double>(s.files);
    settled_days[{s.program, s.category, s.region}] = s.days;
  }
  for (const OpenFiles& o : open) by_age[{o.program, AgeBucket(o.age_days)}] += static_cast<double>(o.files);
  for (const OpenFiles& o : past_due) late[{o.program}] += static_cast<double>(o.files);
  for (const std::string& program : programs_) {
    late.try_emplace({program}, 0.0);
    settled_files.try_emplace({program, "", ""}, 0.0);
    settled_days.try_emplace({program, "", ""}, 0.0);
  }
  files_.Publish(files);
  settled_files_.Publish(settled_files);
  settled_file_days_.Publish(settled_days);
  open_.Publish(by_age);
  past_due_.Publish(late);
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
