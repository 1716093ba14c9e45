#include "beneficiary/src/attestations.h"

#include "absl/strings/str_cat.h"
#include "attestation/attestation_document.h"
#include "attestation/attestation_pdf.h"
#include "beneficiary/src/attestation_store.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/src/insured_store.h"
#include "core/log.h"
#include "core/programs.h"
#include "core/status_macros.h"
#include "seal/refusal.h"
#include "seal/seal.h"

namespace himaya::beneficiary {

ProgramLabels ProgramLabelsOf(absl::string_view program) {
  if (program == core::kProgramAmoTns) {
    return {"AMO des travailleurs non salariés", "التأمين الإجباري عن المرض للعمال غير الأجراء"};
  }
  if (program == core::kProgramAmoTadamon) return {"AMO Tadamon", "أمو تضامن"};
  if (program == core::kProgramFamilyAllowances) return {"Allocations familiales", "التعويضات العائلية"};
  return {std::string(program), std::string(program)};
}

absl::StatusOr<Attestation> Attestations::Issue(const std::string& registration_number, const std::string& language) {
  if (!language.empty() && language != "fr" && language != "ar") {
    return absl::InvalidArgumentError("language: fr, ar or empty");
  }
  if (signing_key_ == nullptr) {
    return absl::FailedPreconditionError("attestations: no signing key is configured (--attestation_key_file)");
  }
  ASSIGN_OR_RETURN(FamilyView family, families_.List(registration_number));
  if (!family.insured_today.covered) {
    return Refuse(RefusalCode::kInsuredNotCovered,
                  absl::StrCat("the insured is not covered today (", family.insured_today.reason, ")"));
  }
  ASSIGN_OR_RETURN(InsuredNames names, registration_.Names(registration_number));
  const absl::CivilDay today = families_.Today();
  seal::AttestationClaims claims;
  claims.attestation_id = core::NewUuid(random_);
  claims.registration_number = registration_number;
  claims.first_name = names.first_name;
  claims.last_name = names.last_name;
  claims.program = family.insured.program;
  claims.issued_on = today;
  claims.valid_until = today + (options_.validity_days - 1);
  attestation::AttestationDocument document;
  document.attestation_id = claims.attestation_id;
  document.registration_number = registration_number;
  document.insured = {names.first_name, names.last_name, "", ""};
  document.program = family.insured.program;
  const ProgramLabels labels = ProgramLabelsOf(family.insured.program);
  document.program_label = labels.fr;
  document.program_label_ar = labels.ar;
  document.fund_name = options_.fund_name;
  document.fund_name_ar = options_.fund_name_ar;
  document.issued_on = claims.issued_on;
  document.valid_until = claims.valid_until;
  for (const FamilyMember& m : family.members) {
    if (!m.today.covered) continue;
    const Dependent& d = m.dependent;
    const bool spouse = d.relationship == kSpouse;
    claims.members.push_back({d.beneficiary_id,
                              spouse ? seal::MemberRelationship::kSpouse : seal::MemberRelationship::kChild,
                              d.first_name, d.last_name, d.birth_date.value_or(absl::CivilDay())});
    document.members.push_back({spouse ? attestation::Relationship::kSpouse : attestation::Relationship::kChild,
                                {d.first_name, d.last_name, "", ""},
                                d.birth_date.value_or(absl::CivilDay()),
                                d.beneficiary_id});
  }
  ASSIGN_OR_RETURN(document.qr_text, seal::Seal(claims, *signing_key_, clock_.Now(), families_.zone()));
  ASSIGN_OR_RETURN(std::string pdf, attestation::RenderAttestationPdf(document));
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return AttestationStore::Insert(tx,
                                    {claims.attestation_id, registration_number, claims.issued_on, claims.valid_until,
                                     family.insured.family_version, signing_key_->kid(), clock_.Now()});
  }));
  log::Info("attestation issued", {{"attestation_id", claims.attestation_id},
                                   {"registration_number", registration_number},
                                   {"members", static_cast<int64_t>(claims.members.size())}});
  return Attestation{claims.attestation_id, registration_number, claims.issued_on,
                     claims.valid_until,    std::move(pdf),      document.qr_text};
}

absl::StatusOr<Verification> Attestations::Verify(const std::string& qr_text, const std::string& attestation_id) {
  if (qr_text.empty() == attestation_id.empty()) {
    return absl::InvalidArgumentError("qr_text or attestation_id: exactly one is required");
  }
  if (attestation_id.size() > seal::kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("attestation_id: longer than ", seal::kMaxIdLength, " characters"));
  }
  Verification out;
  out.checked_at = clock_.Now();
  std::string id = attestation_id;
  if (!qr_text.empty()) {
    absl::StatusOr<seal::AttestationClaims> claims = seal::Open(qr_text, ring_, clock_.Now());
    if (!claims.ok()) {
      std::optional<seal::Refusal> refusal = seal::RefusalOf(claims.status());
      if (!refusal) return claims.status();
      out.status = std::string(seal::RefusalName(*refusal));
      return out;
    }
    id = claims->attestation_id;
  }
  std::optional<IssuedAttestation> issued;
  std::optional<Insured> insured;
  std::optional<IssuedAttestation> latest;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(issued, AttestationStore::Find(tx, id));
    if (!issued) return absl::OkStatus();
    ASSIGN_OR_RETURN(insured, InsuredStore::Find(tx, issued->registration_number));
    if (insured && insured->family_version != issued->family_version) {
      ASSIGN_OR_RETURN(latest,
                       AttestationStore::LatestOfVersion(tx, issued->registration_number, insured->family_version));
    }
    return absl::OkStatus();
  }));
  if (!issued) {
    out.status = "UNKNOWN";
    return out;
  }
  out.attestation_id = issued->attestation_id;
  out.registration_number = issued->registration_number;
  out.issued_on = issued->issued_on;
  out.valid_until = issued->valid_until;
  if (out.checked_at >= seal::ExpiryOf(issued->valid_until, families_.zone())) {
    out.status = "EXPIRED";
  } else if (insured && insured->family_version != issued->family_version) {
    out.status = "SUPERSEDED";
    if (latest) out.superseded_by = latest->attestation_id;
  } else {
    out.status = "VALID";
  }
  return out;
}

}  // namespace himaya::beneficiary
