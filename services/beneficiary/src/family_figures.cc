#include "beneficiary/src/family_figures.h"

#include <map>

#include "beneficiary/src/insured_store.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

prometheus::Family<prometheus::Gauge>& Gauge(prometheus::Registry& registry, const std::string& name,
                                             const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

}  // namespace

FamilyFigures::FamilyFigures(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
                             absl::Duration interval, absl::TimeZone zone)
    : db_(db),
      clock_(clock),
      interval_(interval),
      zone_(zone),
      insured_(Gauge(registry, "himaya_beneficiary_insured", "Insured persons, by program, category and region")),
      spouses_(Gauge(registry, "himaya_beneficiary_spouses",
                     "Spouses covered today, by their insured's program, category and region")),
      children_(Gauge(registry, "himaya_beneficiary_children",
                      "Children covered today, by their insured's program, category and region")),
      beneficiaries_(Gauge(registry, "himaya_beneficiary_beneficiaries",
                           "Insured persons and their covered spouses and children, by program, category and region")) {
}

absl::Status FamilyFigures::Refresh() {
  std::vector<FamilyCount> counts;
  absl::Status read = db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(counts, InsuredStore::Counts(tx, absl::ToCivilDay(clock_.Now(), zone_)));
    return absl::OkStatus();
  });
  if (!read.ok()) {
    log::Warn("family figures not refreshed", {{"error", std::string(read.message())}});
    return read;
  }
  std::map<Group, FamilyCount> now;
  for (const FamilyCount& c : counts) now[{c.program, c.category, c.region}] = c;
  absl::MutexLock lock(&mu_);
  for (const Group& g : seen_) now.try_emplace(g);  // gone: 0
  for (const auto& [group, c] : now) {
    const std::map<std::string, std::string> labels = {
        {"program", std::get<0>(group)}, {"category", std::get<1>(group)}, {"region", std::get<2>(group)}};
    insured_.Add(labels).Set(static_cast<double>(c.insured));
    spouses_.Add(labels).Set(static_cast<double>(c.spouses));
    children_.Add(labels).Set(static_cast<double>(c.children));
    beneficiaries_.Add(labels).Set(static_cast<double>(c.insured + c.spouses + c.children));
    seen_.insert(group);
  }
  return absl::OkStatus();
}

}  // namespace himaya::beneficiary
