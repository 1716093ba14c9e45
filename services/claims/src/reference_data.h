// The reference data the rules decide with, as agents give it: a TNR version imported from its
// CSV (one version per effective_from; the same version with the same bytes again changes
// nothing, with other bytes it is refused), and long-term-illness (ALD) certificates registered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "claims/src/reference_store.h"
#include "core/clock.h"
#include "storage/database.h"

namespace himaya::claims {

// The most bytes a TNR file may have (100000 acts of a few hundred bytes).
inline constexpr size_t kMaxTariffBytes = 32 * 1024 * 1024;

struct TariffImportResult {
  std::string version;
  absl::CivilDay effective_from;
  int64_t acts = 0;
  // This exact version was imported before: nothing changed.
  bool already_imported = false;
};

// One import of a TNR version: its name and first day, then its CSV in chunks.
class TariffImport {
 public:
  // INVALID_ARGUMENT for a version that is not 1-32 of [A-Za-z0-9-_.] or a day not YYYY-MM-DD.
  static absl::StatusOr<std::unique_ptr<TariffImport>> Begin(storage::Database& db, const core::Clock& clock,
                                                             const std::string& version,
                                                             const std::string& effective_from);
  // INVALID_ARGUMENT past kMaxTariffBytes.
  absl::Status Feed(absl::string_view bytes);
  // Reads the CSV (ParseTariffCsv: INVALID_ARGUMENT "line N: field: reason") and records the
  // version. ALREADY_EXISTS when the version was imported with other bytes, or another version
  // is effective from the same day.
  absl::StatusOr<TariffImportResult> Finish();

 private:
  TariffImport(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
  storage::Database& db_;
  const core::Clock& clock_;
  TariffVersion version_;
  std::string csv_;
};

// Where imports begin (what each needs of the service).
class TariffImports {
 public:
  TariffImports(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
  absl::StatusOr<std::unique_ptr<TariffImport>> Begin(const std::string& version,
                                                      const std::string& effective_from) const {
    return TariffImport::Begin(db_, clock_, version, effective_from);
  }

 private:
  storage::Database& db_;
  const core::Clock& clock_;
};

struct AldRegistration {
  std::string certificate;
  std::string beneficiary_id;
  std::string valid_from;
  std::string valid_until;
  std::string registered_by;
};

class AldCertificates {
 public:
  AldCertificates(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
  // Records a certificate. The same certificate again with the same beneficiary and days returns
  // it unchanged. INVALID_ARGUMENT naming the field; ALREADY_EXISTS when the number is another
  // certificate's (other beneficiary or days).
  absl::StatusOr<AldCertificate> Register(const AldRegistration& registration);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
};

}  // namespace himaya::claims
