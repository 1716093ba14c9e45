#include "beneficiary/src/beneficiary_service.h"

#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/server.h"

namespace himaya::beneficiary {
namespace {

v1::Relationship ToProto(Relationship r) {
  switch (r) {
    case Relationship::kInsured:
      return v1::RELATIONSHIP_INSURED;
    case Relationship::kSpouse:
      return v1::RELATIONSHIP_SPOUSE;
    case Relationship::kChild:
      return v1::RELATIONSHIP_CHILD;
  }
  return v1::RELATIONSHIP_UNSPECIFIED;
}

Relationship FromProto(v1::Relationship r) {
  switch (r) {
    case v1::RELATIONSHIP_SPOUSE:
      return Relationship::kSpouse;
    case v1::RELATIONSHIP_CHILD:
      return Relationship::kChild;
    default:
      return Relationship::kInsured;  // refused: only a spouse or a child is declared
  }
}

std::string Day(const std::optional<absl::CivilDay>& day) { return day ? FormatDay(*day) : std::string(); }

void ToProto(const Coverage& today, v1::Beneficiary* out) {
  out->set_covered_today(today.covered);
  out->set_reason_today(today.reason);
}

void ToProto(const FamilyMember& m, v1::Beneficiary* out) {
  const Dependent& d = m.dependent;
  out->set_beneficiary_id(d.beneficiary_id);
  out->set_registration_number(d.registration_number);
  out->set_relationship(ToProto(RelationshipOf(d.relationship)));
  out->set_first_name(d.first_name);
  out->set_last_name(d.last_name);
  out->set_birth_date(Day(d.birth_date));
  out->set_sex(d.sex);
  out->set_disabled(d.disabled);
  out->set_studying_until(Day(d.studying_until));
  out->set_apprenticeship_until(Day(d.apprenticeship_until));
  out->set_program(d.program);
  out->set_source(d.source);
  for (const Period& p : d.periods) {
    v1::CoveragePeriod* period = out->add_periods();
    period->set_start_date(FormatDay(p.start));
    period->set_end_date(Day(p.end));
    period->set_end_reason(p.end_reason);
  }
  ToProto(m.today, out);
}

void ToProto(const EligibilityAnswer& a, v1::EligibilityAnswer* out) {
  out->set_beneficiary_id(a.beneficiary_id);
  out->set_date(FormatDay(a.date));
  out->set_covered(a.covered);
  out->set_registration_number(a.registration_number);
  out->set_program(a.program);
  out->set_category(a.category);
  out->set_region(a.region);
  if (!a.registration_number.empty()) out->set_relationship(ToProto(a.relationship));
  out->set_reason(a.reason);
  out->set_covered_until(Day(a.covered_until));
}

// A family rule's refusal also gives its code in the trailing metadata.
absl::Status WithReason(grpc::CallbackServerContext* context, absl::Status status) {
  if (RefusalCode refusal = RefusalOf(status); refusal != RefusalCode::kNone) {
    context->AddTrailingMetadata(kReasonMetadata, std::string(RefusalName(refusal)));
  }
  return status;
}

}  // namespace

grpc::ServerUnaryReactor* BeneficiaryService::DeclareFamilyMember(grpc::CallbackServerContext* context,
                                                                  const v1::DeclareFamilyMemberRequest* request,
                                                                  v1::DeclareFamilyMemberResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    Declaration d{request->registration_number(),
                  FromProto(request->relationship()),
                  request->first_name(),
                  request->last_name(),
                  request->birth_date(),
                  request->sex(),
                  request->cin(),
                  request->studying_until(),
                  request->disabled(),
                  request->start_date(),
                  request->declared_by(),
                  request->idempotency_key(),
                  request->apprenticeship_until()};
    absl::StatusOr<FamilyMember> declared = families_.Declare(d);
    if (!declared.ok()) return WithReason(context, declared.status());
    ToProto(*declared, response->mutable_beneficiary());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BeneficiaryService::RemoveFamilyMember(grpc::CallbackServerContext* context,
                                                                 const v1::RemoveFamilyMemberRequest* request,
                                                                 v1::RemoveFamilyMemberResponse* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    absl::StatusOr<FamilyMember> removed =
        families_.Remove({request->registration_number(), request->beneficiary_id(), request->reason(),
                          request->end_date(), request->removed_by(), request->note()});
    if (!removed.ok()) return WithReason(context, removed.status());
    ToProto(*removed, response->mutable_beneficiary());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BeneficiaryService::ListFamily(grpc::CallbackServerContext* context,
                                                         const v1::ListFamilyRequest* request,
                                                         v1::ListFamilyResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(FamilyView family, families_.List(request->registration_number()));
    v1::Beneficiary* insured = response->add_beneficiaries();
    insured->set_beneficiary_id(family.insured.registration_number);
    insured->set_registration_number(family.insured.registration_number);
    insured->set_relationship(v1::RELATIONSHIP_INSURED);
    insured->set_program(family.insured.program);
    v1::CoveragePeriod* period = insured->add_periods();
    period->set_start_date(FormatDay(family.insured.registered_on));
    ToProto(family.insured_today, insured);
    for (const FamilyMember& m : family.members) ToProto(m, response->add_beneficiaries());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BeneficiaryService::CheckEligibility(grpc::CallbackServerContext* context,
                                                               const v1::EligibilityQuestion* request,
                                                               v1::EligibilityAnswer* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(EligibilityAnswer answer, eligibility_.Check({request->beneficiary_id(), request->date()}));
    ToProto(answer, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BeneficiaryService::CheckEligibilityBatch(grpc::CallbackServerContext* context,
                                                                    const v1::CheckEligibilityBatchRequest* request,
                                                                    v1::CheckEligibilityBatchResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    std::vector<EligibilityQuestion> questions;
    questions.reserve(request->questions_size());
    for (const v1::EligibilityQuestion& q : request->questions()) questions.push_back({q.beneficiary_id(), q.date()});
    ASSIGN_OR_RETURN(std::vector<EligibilityAnswer> answers, eligibility_.CheckMany(questions));
    for (const EligibilityAnswer& a : answers) ToProto(a, response->add_answers());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BeneficiaryService::GetAttestation(grpc::CallbackServerContext* context,
                                                             const v1::GetAttestationRequest* request,
                                                             v1::Attestation* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    absl::StatusOr<Attestation> issued = attestations_.Issue(request->registration_number(), request->language());
    if (!issued.ok()) return WithReason(context, issued.status());
    Attestation& a = *issued;
    response->set_attestation_id(a.attestation_id);
    response->set_registration_number(a.registration_number);
    response->set_issued_on(FormatDay(a.issued_on));
    response->set_valid_until(FormatDay(a.valid_until));
    response->set_pdf(std::move(a.pdf));
    response->set_qr_text(a.qr_text);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BeneficiaryService::VerifyAttestation(grpc::CallbackServerContext* context,
                                                                const v1::VerifyAttestationRequest* request,
                                                                v1::VerifyAttestationResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(Verification v, attestations_.Verify(request->qr_text(), request->attestation_id()));
    response->set_status(v.status);
    response->set_attestation_id(v.attestation_id);
    response->set_registration_number(v.registration_number);
    response->set_issued_on(Day(v.issued_on));
    response->set_valid_until(Day(v.valid_until));
    response->set_superseded_by(v.superseded_by);
    *response->mutable_checked_at() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(v.checked_at));
    return absl::OkStatus();
  });
}

}  // namespace himaya::beneficiary
