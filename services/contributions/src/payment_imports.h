// Payment files applied: each row ends in an outcome (APPLIED, UNKNOWN_INSURED,
// DUPLICATE_PAYMENT, INVALID with its reason); an applied payment settles the insured's unpaid
// calls oldest first (ContributionPaid), what is left stays as credit, and coverage suspended
// for arrears comes back once none is left beyond the grace period (CoverageRestored). A file is applied a page
// of rows per transaction: an import stopped halfway is finished by importing the file again
// (the rows it applied answer APPLIED again, nothing twice), and a file imported whole answers
// its first result and changes nothing.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "contributions/src/contribution_rules.h"
#include "contributions/src/payment_file.h"
#include "contributions/src/payment_store.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::contributions {

struct PaymentImportsOptions {
  absl::TimeZone zone = absl::UTCTimeZone();
  // Rows per transaction.
  int page_rows = 1000;
};

class PaymentImports {
 public:
  // `on_committed` runs after each page that wrote events; `on_imported` once a file is applied
  // (the suspension check runs there).
  PaymentImports(
      storage::Database& db, const ContributionRules& rules, events::EventSource source, PaymentImportsOptions options,
      std::function<void()> on_committed = [] {}, std::function<void()> on_imported = [] {});

  // The result of the file imported before with this manifest's id and sha256; nothing when none
  // was. ALREADY_EXISTS when the id was imported with other bytes.
  absl::StatusOr<std::optional<ImportResult>> Earlier(const PaymentManifest& manifest);
  // Applies the file's rows (as PaymentFileReader read them). A paid_on after today is INVALID.
  // ALREADY_EXISTS when the id was imported, even in part, with other bytes.
  absl::StatusOr<ImportResult> Import(const PaymentManifest& manifest, std::vector<PaymentRow> rows);

 private:
  // Records the manifest's bytes as those of the file's import. ALREADY_EXISTS when an import of
  // other bytes under its id began before (and stopped before its result was recorded).
  absl::Status Begin(const PaymentManifest& manifest);
  // Applies one valid row's payment in `tx` (and restores the coverage it brings back on
  // `today`): the outcome it ends in.
  absl::StatusOr<RowOutcome> Apply(storage::Transaction& tx, const std::string& file_id, const PaymentRow& row,
                                   absl::CivilDay today);

  storage::Database& db_;
  const ContributionRules& rules_;
  events::EventSource source_;
  const PaymentImportsOptions options_;
  std::function<void()> on_committed_;
  std::function<void()> on_imported_;
};

}  // namespace himaya::contributions
