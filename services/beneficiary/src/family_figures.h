// The operations figures (the press conference's table): gauges of insured persons, spouses,
// children and all beneficiaries by program, category and region, computed from the database
// by a periodic pass over every family, so that they are right at once after a restart and the
// same on every replica. Whoever is counted is covered today by the family rules (CoverageOn:
// periods, ages, studies), the same answer CheckEligibility gives; an insured counts under each
// program they are enrolled in, a person known only from a merge or a household event not yet.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/family_rules.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::beneficiary {

// How many insured persons, spouses and children one program, category and region holds.
struct FamilyCount {
  int64_t insured = 0;
  int64_t spouses = 0;
  int64_t children = 0;
};

class FamilyFigures {
 public:
  // Registers himaya_beneficiary_{insured,spouses,children,beneficiaries}{program,category,region}
  // and himaya_beneficiary_figures_pass_seconds on `registry`; refreshed every `interval` once
  // started.
  FamilyFigures(storage::Database& db, const FamilyRules& rules, prometheus::Registry& registry,
                const core::Clock& clock, absl::Duration interval = absl::Seconds(15),
                absl::TimeZone zone = absl::UTCTimeZone());
  ~FamilyFigures() { Stop(); }

  // Counts again and sets the gauges; a group no longer present goes to 0. Reads the families a
  // page at a time, each page its own read transaction.
  absl::Status Refresh();

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  using Group = std::tuple<std::string, std::string, std::string>;  // program, category, region
  absl::Status CountPage(const std::vector<Insured>& page, absl::CivilDay today, std::map<Group, FamilyCount>& counts);
  storage::Database& db_;
  const FamilyRules& rules_;
  const core::Clock& clock_;
  const absl::Duration interval_;
  const absl::TimeZone zone_;
  prometheus::Family<prometheus::Gauge>& insured_;
  prometheus::Family<prometheus::Gauge>& spouses_;
  prometheus::Family<prometheus::Gauge>& children_;
  prometheus::Family<prometheus::Gauge>& beneficiaries_;
  prometheus::Gauge& pass_seconds_;
  absl::Mutex mu_;
  std::set<Group> seen_ ABSL_GUARDED_BY(mu_);
  core::BackgroundLoop loop_{[this] {
    (void)Refresh();
    return interval_;
  }};
};

}  // namespace himaya::beneficiary
