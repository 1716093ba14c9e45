// Registration certificates (attestations d'immatriculation): GetAttestation issues one for an
// insured person, listing the family covered on the day, sealed for its QR code with the
// service's signing key (libs/seal) and drawn as a French and Arabic PDF (libs/attestation),
// and records it with the family's version; VerifyAttestation checks a QR text (the seal against
// the key ring, then the family's version and the validity) or an attestation id.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "beneficiary/src/families.h"
#include "beneficiary/src/registration_directory.h"
#include "core/clock.h"
#include "core/random.h"
#include "seal/keys.h"
#include "storage/database.h"

namespace himaya::beneficiary {

struct AttestationOptions {
  // Days an attestation is valid, its issue day included.
  int validity_days = 90;
  std::string fund_name = "Caisse Nationale de Sécurité Sociale";
  std::string fund_name_ar = "الصندوق الوطني للضمان الاجتماعي";
};

// A program as a certificate prints it, in French and in Arabic.
struct ProgramLabels {
  std::string fr;
  std::string ar;
};
// The labels of one of core::AllPrograms(); an unknown program is printed by its code.
ProgramLabels ProgramLabelsOf(absl::string_view program);

struct Attestation {
  std::string attestation_id;
  std::string registration_number;
  absl::CivilDay issued_on;
  absl::CivilDay valid_until;
  std::string pdf;
  std::string qr_text;
};

struct Verification {
  // VALID, SUPERSEDED, EXPIRED, UNKNOWN, BAD_SIGNATURE, UNKNOWN_KEY, MALFORMED, NOT_YET_VALID.
  std::string status;
  std::string attestation_id;
  std::string registration_number;
  std::optional<absl::CivilDay> issued_on;
  std::optional<absl::CivilDay> valid_until;
  // When SUPERSEDED: a later attestation showing the family as it is now, if one was issued.
  std::string superseded_by;
  absl::Time checked_at;
};

class Attestations {
 public:
  // `signing_key` may be null: then Issue is FAILED_PRECONDITION (no key configured).
  Attestations(Families& families, storage::Database& db, RegistrationDirectory& registration,
               const seal::SigningKey* signing_key, seal::KeyRing ring, const core::Clock& clock,
               core::RandomSource& random, AttestationOptions options = {})
      : families_(families),
        db_(db),
        registration_(registration),
        signing_key_(signing_key),
        ring_(std::move(ring)),
        clock_(clock),
        random_(random),
        options_(std::move(options)) {}

  // Issues a certificate for the insured today, valid until the end of its last valid day in
  // the service's time zone (Families::zone), the seal's expiry and the online check's alike.
  // `language` is "fr", "ar" or empty (INVALID_ARGUMENT otherwise); NOT_FOUND for an unknown
  // insured; INSURED_NOT_COVERED (family_rules.h Refuse, FAILED_PRECONDITION) for an insured not
  // covered today, saying why (NOT_YET_COVERED, ...); UNAVAILABLE when registration cannot give
  // their names in time; FAILED_PRECONDITION without a key.
  absl::StatusOr<Attestation> Issue(const std::string& registration_number, const std::string& language = "");
  // Checks a QR text or an attestation id (at most seal::kMaxIdLength characters): exactly one
  // of them, INVALID_ARGUMENT naming both fields otherwise.
  absl::StatusOr<Verification> Verify(const std::string& qr_text, const std::string& attestation_id);

 private:
  Families& families_;
  storage::Database& db_;
  RegistrationDirectory& registration_;
  const seal::SigningKey* signing_key_;
  const seal::KeyRing ring_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  const AttestationOptions options_;
};

}  // namespace himaya::beneficiary
