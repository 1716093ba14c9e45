#include "claims/src/reference_data.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "claims/src/claim.h"
#include "claims_file/claim_row.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"
#include "liaison/manifested_csv.h"

namespace himaya::claims {
namespace {

constexpr size_t kMaxVersionLength = 32;
constexpr size_t kMaxAgentLength = 64;

// 1 to `max_length` of A-Z, a-z, 0-9 and `others`.
bool IsIdentifier(absl::string_view text, size_t max_length, absl::string_view others = "-_.") {
  return !text.empty() && text.size() <= max_length && std::all_of(text.begin(), text.end(), [&](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || others.find(c) != absl::string_view::npos;
  });
}

// The insured's registration number a beneficiary id starts with (NUMBER or NUMBER-NN).
absl::Status CheckBeneficiaryId(absl::string_view beneficiary_id) {
  absl::string_view number = beneficiary_id.substr(0, beneficiary_id.find('-'));
  if (!identity::CheckRegistrationNumber(number).ok()) {
    return absl::InvalidArgumentError("beneficiary_id: a registration number, or one followed by -01 to -99");
  }
  return claims_file::CheckBeneficiaryOf(number, beneficiary_id);
}

}  // namespace

absl::StatusOr<std::unique_ptr<TariffImport>> TariffImport::Begin(storage::Database& db, const core::Clock& clock,
                                                                  const std::string& version,
                                                                  const std::string& effective_from) {
  if (!IsIdentifier(version, kMaxVersionLength)) {
    return absl::InvalidArgumentError(
        absl::StrCat("version: 1 to ", kMaxVersionLength, " of A-Z, a-z, 0-9, '-', '_' and '.'"));
  }
  std::unique_ptr<TariffImport> import(new TariffImport(db, clock));
  import->version_.version = version;
  ASSIGN_OR_RETURN(import->version_.effective_from, claims_file::ParseClaimDay("effective_from", effective_from));
  return import;
}

absl::Status TariffImport::Feed(absl::string_view bytes) {
  if (csv_.size() + bytes.size() > kMaxTariffBytes) {
    return absl::InvalidArgumentError(absl::StrCat("tariff: larger than ", kMaxTariffBytes, " bytes"));
  }
  csv_.append(bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::StatusOr<TariffImportResult> TariffImport::Finish() {
  const std::string sha256 = liaison::Sha256Hex(csv_);
  ASSIGN_OR_RETURN(version_.acts, claims_file::ParseTariffCsv(csv_));
  TariffImportResult result{version_.version, version_.effective_from, 0, false};
  bool new_version = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<StoredTariffVersion> same, ReferenceStore::FindTariffVersion(tx, version_.version));
    if (same) {
      if (same->sha256 != sha256 || same->effective_from != version_.effective_from) {
        return absl::AlreadyExistsError(
            absl::StrCat("version: ", version_.version, " was imported with other contents or another effective_from"));
      }
      result.acts = same->acts;
      result.already_imported = true;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::optional<StoredTariffVersion> that_day,
                     ReferenceStore::TariffVersionFrom(tx, version_.effective_from));
    if (that_day) {
      return absl::AlreadyExistsError(absl::StrCat("effective_from: ", FormatClaimDay(version_.effective_from),
                                                   " is version ", that_day->version, "'s"));
    }
    result.acts = static_cast<int64_t>(version_.acts.size());
    new_version = true;
    return ReferenceStore::InsertTariffVersion(tx, version_, sha256, clock_.Now());
  }));
  if (new_version) {
    log::Info("tariff imported", {{"version", result.version}, {"acts", result.acts}});
  }
  return result;
}

absl::StatusOr<AldCertificate> AldCertificates::Register(const AldRegistration& r) {
  AldCertificate c;
  if (r.certificate.empty()) return absl::InvalidArgumentError("certificate: required");
  if (absl::Status s = claims_file::CheckAldCertificate(r.certificate); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("certificate", s.message().substr(s.message().find(':'))));
  }
  c.certificate = r.certificate;
  RETURN_IF_ERROR(CheckBeneficiaryId(r.beneficiary_id));
  c.beneficiary_id = r.beneficiary_id;
  ASSIGN_OR_RETURN(c.valid_from, claims_file::ParseClaimDay("valid_from", r.valid_from));
  ASSIGN_OR_RETURN(c.valid_until, claims_file::ParseClaimDay("valid_until", r.valid_until));
  if (c.valid_until < c.valid_from) return absl::InvalidArgumentError("valid_until: before valid_from");
  if (!IsIdentifier(r.registered_by, kMaxAgentLength, "-_.@")) {
    return absl::InvalidArgumentError(
        absl::StrCat("registered_by: the agent, 1 to ", kMaxAgentLength, " of A-Z, a-z, 0-9, '-', '_', '.' and '@'"));
  }
  c.registered_by = r.registered_by;
  c.registered_at = clock_.Now();
  std::optional<AldCertificate> earlier;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(earlier, ReferenceStore::FindAldCertificate(tx, c.certificate));
    if (!earlier) return ReferenceStore::InsertAldCertificate(tx, c);
    if (earlier->beneficiary_id != c.beneficiary_id || earlier->valid_from != c.valid_from ||
        earlier->valid_until != c.valid_until) {
      return absl::AlreadyExistsError(
          absl::StrCat("certificate: ", c.certificate, " is registered for another beneficiary or other days"));
    }
    return absl::OkStatus();
  }));
  return earlier ? *std::move(earlier) : c;
}

}  // namespace himaya::claims
