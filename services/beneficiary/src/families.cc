#include "beneficiary/src/families.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/family_events.h"
#include "beneficiary/src/insured_store.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "core/utf8.h"
#include "identity/cin.h"
#include "identity/registration_number.h"

namespace himaya::beneficiary {
namespace {

bool HasControlCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    core::DecodedCodePoint c = core::DecodeUtf8(text.substr(i));
    if (c.code_point < 0x20 || (c.code_point >= 0x7F && c.code_point < 0xA0)) return true;
    i += c.length;
  }
  return false;
}

// A name: 1 to kMaxNameChars characters of UTF-8, without control characters; trimmed.
absl::StatusOr<std::string> CheckName(absl::string_view field, absl::string_view name) {
  std::string value(absl::StripAsciiWhitespace(name));
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  std::optional<size_t> chars = core::CountCodePoints(value);
  if (!chars) return absl::InvalidArgumentError(absl::StrCat(field, ": is not UTF-8"));
  if (*chars > kMaxNameChars) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is longer than ", kMaxNameChars, " characters"));
  }
  if (HasControlCharacter(value)) return absl::InvalidArgumentError(absl::StrCat(field, ": holds control characters"));
  return value;
}

absl::StatusOr<absl::CivilDay> CheckDay(absl::string_view field, absl::string_view text) {
  std::optional<absl::CivilDay> day = ParseDay(text);
  if (!day) return absl::InvalidArgumentError(absl::StrCat(field, ": must be a real date, YYYY-MM-DD"));
  return *day;
}

// An optional identifier: at most kMaxKeyChars bytes, printable ASCII.
absl::Status CheckKey(absl::string_view field, absl::string_view value) {
  if (value.size() > kMaxKeyChars) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is longer than ", kMaxKeyChars, " characters"));
  }
  for (char c : value) {
    if (c < 0x21 || c > 0x7E) return absl::InvalidArgumentError(absl::StrCat(field, ": must be printable ASCII"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> NormalizeCin(absl::string_view cin) {
  std::optional<std::string> value = identity::NormalizedCin(cin);
  if (!value) return absl::InvalidArgumentError("cin: must be 1-2 Latin letters then 1-6 digits");
  return *value;
}

FamilyMember Families::WithCoverage(Dependent dependent, const Insured& insured) const {
  Coverage today = DependentCoverageOn(rules_, dependent, insured, Today());
  return {std::move(dependent), std::move(today)};
}

absl::StatusOr<FamilyMember> Families::Find(const std::string& registration_number, const std::string& beneficiary_id) {
  std::optional<Insured> insured;
  std::optional<Dependent> dependent;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(insured, InsuredStore::Find(tx, registration_number));
    ASSIGN_OR_RETURN(dependent, BeneficiaryStore::Find(tx, beneficiary_id));
    return absl::OkStatus();
  }));
  if (!insured || !dependent) return absl::NotFoundError("beneficiary_id: not in this insured's family");
  return WithCoverage(std::move(*dependent), *insured);
}

absl::StatusOr<FamilyMember> Families::Declare(const Declaration& a) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(a.registration_number));
  if (a.relationship != Relationship::kSpouse && a.relationship != Relationship::kChild) {
    return absl::InvalidArgumentError("relationship: must be SPOUSE or CHILD");
  }
  Dependent d;
  d.registration_number = a.registration_number;
  d.relationship = std::string(RelationshipName(a.relationship));
  ASSIGN_OR_RETURN(d.first_name, CheckName("first_name", a.first_name));
  ASSIGN_OR_RETURN(d.last_name, CheckName("last_name", a.last_name));
  ASSIGN_OR_RETURN(d.birth_date, CheckDay("birth_date", a.birth_date));
  if (*d.birth_date > Today()) return Refuse(RefusalCode::kBirthDateInFuture, "the person is not born yet");
  d.sex = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(a.sex));
  if (d.sex != "M" && d.sex != "F") return absl::InvalidArgumentError("sex: must be M or F");
  if (!absl::StripAsciiWhitespace(a.cin).empty()) {
    ASSIGN_OR_RETURN(d.cin, NormalizeCin(a.cin));
  }
  if (!a.studying_until.empty()) {
    if (a.relationship != Relationship::kChild) {
      return Refuse(RefusalCode::kStudiesForChildOnly, "studying_until: only for a child");
    }
    ASSIGN_OR_RETURN(d.studying_until, CheckDay("studying_until", a.studying_until));
  }
  if (!a.apprenticeship_until.empty()) {
    if (a.relationship != Relationship::kChild) {
      return absl::InvalidArgumentError("apprenticeship_until: only for a child");
    }
    ASSIGN_OR_RETURN(d.apprenticeship_until, CheckDay("apprenticeship_until", a.apprenticeship_until));
    if (*d.apprenticeship_until < *d.birth_date) {
      return absl::InvalidArgumentError("apprenticeship_until: before the birth date");
    }
  }
  d.disabled = a.disabled;
  absl::CivilDay start = Today();
  if (!a.start_date.empty()) {
    ASSIGN_OR_RETURN(start, CheckDay("start_date", a.start_date));
  }
  if (a.declared_by.empty() || a.declared_by == kSourcePortal) {
    d.source = kSourcePortal;
  } else if (absl::StartsWith(a.declared_by, "AGENT:") && a.declared_by.size() > 6) {
    d.source = kSourceAgent;
  } else {
    return absl::InvalidArgumentError("declared_by: must be PORTAL or AGENT:<id>");
  }
  RETURN_IF_ERROR(CheckKey("declared_by", a.declared_by));
  RETURN_IF_ERROR(CheckKey("idempotency_key", a.idempotency_key));
  d.identity_key = IdentityKey(d.last_name, d.first_name, *d.birth_date);
  d.state = DependentState::kActive;
  d.periods.push_back({start, std::nullopt, "", ""});

  // A key seen before answers with what it declared (and declares nothing).
  auto kept = [&]() -> absl::StatusOr<std::optional<BeneficiaryStore::KeptDeclaration>> {
    std::optional<BeneficiaryStore::KeptDeclaration> out;
    if (a.idempotency_key.empty()) return out;
    RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, BeneficiaryStore::DeclaredWith(tx, a.idempotency_key));
      return absl::OkStatus();
    }));
    return out;
  };
  auto answer_kept = [&](const BeneficiaryStore::KeptDeclaration& k) -> absl::StatusOr<FamilyMember> {
    if (k.registration_number != a.registration_number) {
      return absl::InvalidArgumentError("idempotency_key: already used for another declaration");
    }
    return Find(k.registration_number, k.beneficiary_id);
  };
  ASSIGN_OR_RETURN(auto before, kept());
  if (before) return answer_kept(*before);

  // Registration alone knows whether the CIN is a registered person's: asked before the
  // transaction, never skipped.
  if (!d.cin.empty()) {
    ASSIGN_OR_RETURN(bool registered, registration_.IsRegistered(d.cin));
    if (registered) {
      return Refuse(RefusalCode::kDirectlyInsured, "the person is insured directly, not as a dependent");
    }
  }

  Insured insured;
  absl::Status written = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    // The insured's row, then the person's identity rows, before anything is read: two
    // declarations into one family, or of one person, run one after the other.
    ASSIGN_OR_RETURN(std::optional<Insured> found, InsuredStore::FindForUpdate(tx, a.registration_number));
    if (!found) return absl::NotFoundError("registration_number: no insured has this number");
    insured = *found;
    RETURN_IF_ERROR(BeneficiaryStore::LockIdentities(tx, IdentityKeys(d)));
    ASSIGN_OR_RETURN(std::vector<Dependent> family, BeneficiaryStore::Family(tx, a.registration_number));
    for (const Dependent& member : family) {
      if (member.state == DependentState::kActive && SamePerson(member, d)) {
        RETURN_IF_ERROR(CheckRedeclaration(FactsOf(member), start));
      }
    }
    RETURN_IF_ERROR(CheckDeclaration(rules_, NewMember{a.relationship, *d.birth_date, d.disabled, d.studying_until},
                                     SnapshotBefore(family), start));
    ASSIGN_OR_RETURN(bool held, BeneficiaryStore::HeldElsewhere(tx, d, start));
    if (held) return Refuse(RefusalCode::kAlreadyDependent, "the person is a dependent of another insured");
    ASSIGN_OR_RETURN(int rank, InsuredStore::TakeRank(tx, a.registration_number));
    d.beneficiary_id = DependentId(a.registration_number, rank);
    d.program = insured.program;
    d.declared_at = clock_.Now();
    RETURN_IF_ERROR(BeneficiaryStore::Insert(tx, d));
    RETURN_IF_ERROR(InsuredStore::BumpFamilyVersion(tx, a.registration_number));
    RETURN_IF_ERROR(AppendDeclared(tx, source_, d, clock_));
    if (!a.idempotency_key.empty()) {
      RETURN_IF_ERROR(BeneficiaryStore::KeepDeclaration(tx, a.idempotency_key,
                                                        {a.registration_number, d.beneficiary_id}, clock_.Now()));
    }
    return absl::OkStatus();
  });
  if (written.code() == absl::StatusCode::kAlreadyExists && !a.idempotency_key.empty()) {
    // The same key declared concurrently: answer with what the other call declared.
    ASSIGN_OR_RETURN(auto other, kept());
    if (other) return answer_kept(*other);
  }
  RETURN_IF_ERROR(written);
  log::Info("family member declared",
            {{"beneficiary_id", d.beneficiary_id}, {"relationship", d.relationship}, {"declared_by", a.declared_by}});
  return WithCoverage(std::move(d), insured);
}

absl::StatusOr<FamilyMember> Families::Remove(const Removal& r) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(r.registration_number));
  if (InsuredNumberOf(r.beneficiary_id) != r.registration_number || r.beneficiary_id == r.registration_number) {
    return absl::NotFoundError("beneficiary_id: not in this insured's family");
  }
  ASSIGN_OR_RETURN(absl::CivilDay end, CheckDay("end_date", r.end_date));
  RETURN_IF_ERROR(CheckKey("removed_by", r.removed_by));
  Dependent d;
  Insured insured;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<Dependent> found, BeneficiaryStore::Find(tx, r.beneficiary_id));
    ASSIGN_OR_RETURN(std::optional<Insured> holder, InsuredStore::Find(tx, r.registration_number));
    if (!found || !holder || found->registration_number != r.registration_number) {
      return absl::NotFoundError("beneficiary_id: not in this insured's family");
    }
    d = *std::move(found);
    insured = *holder;
    if (d.state != DependentState::kActive) return Refuse(RefusalCode::kNotCovered, "the member is not covered");
    ASSIGN_OR_RETURN(RemovalReason reason, CheckRemoval(FactsOf(d), end, r.reason, r.note));
    const std::string reason_name(RemovalReasonName(reason));
    ASSIGN_OR_RETURN(bool ended, BeneficiaryStore::EndPeriod(tx, d.beneficiary_id, end, reason_name, r.note));
    if (!ended) return Refuse(RefusalCode::kNotCovered, "the member has no open period");
    RETURN_IF_ERROR(InsuredStore::BumpFamilyVersion(tx, r.registration_number));
    RETURN_IF_ERROR(AppendRemoved(tx, source_, d, end, reason_name, clock_));
    ASSIGN_OR_RETURN(found, BeneficiaryStore::Find(tx, r.beneficiary_id));
    d = *std::move(found);
    return absl::OkStatus();
  }));
  log::Info("family member removed", {{"beneficiary_id", d.beneficiary_id}, {"removed_by", r.removed_by}});
  return WithCoverage(std::move(d), insured);
}

absl::StatusOr<FamilyView> Families::List(const std::string& registration_number) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  std::optional<Insured> insured;
  std::vector<Dependent> family;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(insured, InsuredStore::Find(tx, registration_number));
    ASSIGN_OR_RETURN(family, BeneficiaryStore::Family(tx, registration_number));
    return absl::OkStatus();
  }));
  if (!insured) return absl::NotFoundError("registration_number: no insured has this number");
  FamilyView view;
  view.insured = *insured;
  view.insured_today = CoverageOf(InsuredCoverageOn(rules_, *insured, Today()));
  for (Dependent& d : family) view.members.push_back(WithCoverage(std::move(d), *insured));
  return view;
}

}  // namespace himaya::beneficiary
