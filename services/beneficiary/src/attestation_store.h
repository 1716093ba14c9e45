// Registration certificates issued, in the beneficiary service's own database (their SQL lives
// here, and only here).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::beneficiary {

struct IssuedAttestation {
  std::string attestation_id;
  std::string registration_number;
  absl::CivilDay issued_on;
  absl::CivilDay valid_until;
  // The family's version it shows (InsuredStore's family_version then).
  int64_t family_version = 0;
  std::string key_id;
  absl::Time issued_at;
};

class AttestationStore {
 public:
  // Records an attestation issued. ALREADY_EXISTS for an id recorded already.
  static absl::Status Insert(storage::Transaction& tx, const IssuedAttestation& attestation);
  // The attestation with this id; nothing when unknown.
  static absl::StatusOr<std::optional<IssuedAttestation>> Find(storage::Transaction& tx,
                                                               absl::string_view attestation_id);
  // The insured's latest attestation showing `family_version`; nothing when none does.
  static absl::StatusOr<std::optional<IssuedAttestation>> LatestOfVersion(storage::Transaction& tx,
                                                                          absl::string_view registration_number,
                                                                          int64_t family_version);
};

}  // namespace himaya::beneficiary
