// The reference data the rules read, in claims' database: TNR versions and their acts
// (tariff_versions, tariff_acts) and long-term-illness certificates (ald_certificates). Their
// writes live here, and only here (the decider's reads of them are in claim_decision_store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "claims/src/tariff.h"
#include "storage/database.h"

namespace himaya::claims {

// A TNR version as recorded (without its acts).
struct StoredTariffVersion {
  std::string version;
  absl::CivilDay effective_from;
  std::string sha256;
  int64_t acts = 0;
  absl::Time imported_at;
};

struct AldCertificate {
  std::string certificate;
  std::string beneficiary_id;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  std::string registered_by;
  absl::Time registered_at;
};

class ReferenceStore {
 public:
  // The version named `version`, or the one effective from `effective_from`; nothing when none.
  static absl::StatusOr<std::optional<StoredTariffVersion>> FindTariffVersion(storage::Transaction& tx,
                                                                              absl::string_view version);
  static absl::StatusOr<std::optional<StoredTariffVersion>> TariffVersionFrom(storage::Transaction& tx,
                                                                              absl::CivilDay effective_from);
  // Records a version and its acts (many per statement). ALREADY_EXISTS when its name or its
  // effective_from is recorded already.
  static absl::Status InsertTariffVersion(storage::Transaction& tx, const TariffVersion& version,
                                          const std::string& sha256, absl::Time imported_at);

  static absl::StatusOr<std::optional<AldCertificate>> FindAldCertificate(storage::Transaction& tx,
                                                                          absl::string_view certificate);
  // ALREADY_EXISTS when the certificate is recorded already.
  static absl::Status InsertAldCertificate(storage::Transaction& tx, const AldCertificate& certificate);
};

}  // namespace himaya::claims
