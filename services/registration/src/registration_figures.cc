#include "registration/src/registration_figures.h"

#include <string>
#include <utility>
#include <vector>

#include "core/status_macros.h"
#include "registration/src/activation_code_store.h"
#include "registration/src/person_store.h"
#include "registration/src/regions.h"
#include "registration/src/review_store.h"

namespace himaya::registration {
namespace {

const std::vector<std::string>& GroupLabels() {
  static const auto* const labels = new std::vector<std::string>{"program", "category", "region"};
  return *labels;
}

// Counts by city become counts by region (several cities make one region).
metrics::FigureGauge::Values ByRegion(const std::vector<PersonGroupCount>& counts) {
  metrics::FigureGauge::Values values;
  for (const PersonGroupCount& c : counts) {
    values[{c.program, c.category, RegionOfCity(c.city)}] += static_cast<double>(c.count);
  }
  return values;
}

}  // namespace

RegistrationFigures::RegistrationFigures(storage::Database& db, prometheus::Registry& registry,
                                         const core::Clock& clock, std::vector<std::string> programs)
    : db_(db),
      clock_(clock),
      programs_(std::move(programs)),
      persons_(registry, "himaya_registration_persons",
               "Registered persons, by the program and category they were registered with and their region",
               GroupLabels()),
      accounts_(registry, "himaya_registration_accounts_activated",
                "Portal accounts activated, by their holder's program, category and region", GroupLabels()),
      reviews_pending_(registry, "himaya_registration_reviews_pending",
                       "Liaison batch rows waiting for an agent's review, by program", {"program"}),
      review_oldest_(registry, "himaya_registration_review_oldest_seconds",
                     "How long the oldest batch row waiting for review has waited, by program (0: none waits)",
                     {"program"}) {}

absl::Status RegistrationFigures::Refresh() {
  std::vector<PersonGroupCount> persons;
  std::vector<PersonGroupCount> accounts;
  std::vector<PendingReviews> pending;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(persons, PersonStore::CountByGroup(tx));
    ASSIGN_OR_RETURN(accounts, ActivationCodeStore::CountAccountsByGroup(tx));
    ASSIGN_OR_RETURN(pending, ReviewStore::CountPending(tx));
    return absl::OkStatus();
  }));
  const absl::Time now = clock_.Now();
  metrics::FigureGauge::Values rows, oldest;
  for (const PendingReviews& p : pending) {
    rows[{p.program}] = static_cast<double>(p.rows);
    oldest[{p.program}] = std::max(0.0, absl::ToDoubleSeconds(now - absl::FromUnixMicros(p.oldest_created_at_us)));
  }
  for (const std::string& program : programs_) {
    rows.try_emplace({program}, 0.0);
    oldest.try_emplace({program}, 0.0);
  }
  persons_.Publish(ByRegion(persons));
  accounts_.Publish(ByRegion(accounts));
  reviews_pending_.Publish(rows);
  review_oldest_.Publish(oldest);
  return absl::OkStatus();
}

}  // namespace himaya::registration
