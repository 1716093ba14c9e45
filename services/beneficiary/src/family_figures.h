// The operations figures (the press conference's table): gauges of insured persons, spouses,
// children and all beneficiaries by program, category and region, computed from the database
// by a periodic pass over every family, so that they are right at once after a restart and the
// same on every replica. Whoever is counted is covered today by the family rules (CoverageOn:
// periods, ages, studies), the same answer CheckEligibility gives; an insured counts under each
// program they are enrolled in, a person known only from a merge or a household event not yet.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/family_rules.h"
#include "core/clock.h"
#include "metrics/figures.h"
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
  // on `registry`. The service runs Refresh as its figures pass (ServiceRuntime::AddFigures).
  FamilyFigures(storage::Database& db, const FamilyRules& rules, prometheus::Registry& registry,
                const core::Clock& clock, absl::TimeZone zone = absl::UTCTimeZone());

  // Counts again and sets the gauges; a group no longer present goes to 0. Reads the families a
  // page at a time, each page its own read transaction; gives up between pages (CANCELLED,
  // nothing set) once `stopping` says so.
  absl::Status Refresh(const std::function<bool()>& stopping = nullptr);

 private:
  using Group = std::tuple<std::string, std::string, std::string>;  // program, category, region
  absl::Status CountPage(const std::vector<Insured>& page, absl::CivilDay today, std::map<Group, FamilyCount>& counts);
  storage::Database& db_;
  const FamilyRules& rules_;
  const core::Clock& clock_;
  const absl::TimeZone zone_;
  metrics::FigureGauge insured_;
  metrics::FigureGauge spouses_;
  metrics::FigureGauge children_;
  metrics::FigureGauge beneficiaries_;
};

}  // namespace himaya::beneficiary
