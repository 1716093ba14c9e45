// The registration figures operations report (the press conference's "registered" and "portal
// accounts created"), counted from registration's database by its figures pass: registered
// persons and activated portal accounts by program, category and region (the region of the
// person's city, as the PersonRegistered event gives it), and the batch rows waiting for an
// agent's review with the age of the oldest, per program.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/clock.h"
#include "metrics/figures.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::registration {

class RegistrationFigures {
 public:
  // Registers himaya_registration_persons{program,category,region},
  // himaya_registration_accounts_activated{program,category,region},
  // himaya_registration_reviews_pending{program} and
  // himaya_registration_review_oldest_seconds{program} on `registry`; each of `programs` shows 0
  // waiting until rows of it do.
  RegistrationFigures(storage::Database& db, prometheus::Registry& registry, const core::Clock& clock,
                      std::vector<std::string> programs = {});

  // Counts again (one read transaction) and sets the gauges; a group no longer present goes to 0.
  absl::Status Refresh();

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const std::vector<std::string> programs_;
  metrics::FigureGauge persons_;
  metrics::FigureGauge accounts_;
  metrics::FigureGauge reviews_pending_;
  metrics::FigureGauge review_oldest_;
};

}  // namespace himaya::registration
