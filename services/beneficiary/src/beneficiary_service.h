// The gRPC face of beneficiary: translates requests into domain calls (Families, Eligibility),
// and domain answers into protos. A family rule's refusal keeps its status and also gives its
// code in the trailing metadata `himaya-reason`. It holds no rules and reads no database.
#pragma once

#include "beneficiary/src/attestations.h"
#include "beneficiary/src/eligibility.h"
#include "beneficiary/src/families.h"
#include "core/thread_pool.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"

namespace himaya::beneficiary {

// The trailing metadata key that carries a refusal's code.
inline constexpr char kReasonMetadata[] = "himaya-reason";

class BeneficiaryService final : public v1::BeneficiaryService::CallbackService {
 public:
  BeneficiaryService(Families& families, Eligibility& eligibility, Attestations& attestations, core::ThreadPool& pool)
      : families_(families), eligibility_(eligibility), attestations_(attestations), pool_(pool) {}
  grpc::ServerUnaryReactor* DeclareFamilyMember(grpc::CallbackServerContext* context,
                                                const v1::DeclareFamilyMemberRequest* request,
                                                v1::DeclareFamilyMemberResponse* response) override;
  grpc::ServerUnaryReactor* RemoveFamilyMember(grpc::CallbackServerContext* context,
                                               const v1::RemoveFamilyMemberRequest* request,
                                               v1::RemoveFamilyMemberResponse* response) override;
  grpc::ServerUnaryReactor* ListFamily(grpc::CallbackServerContext* context, const v1::ListFamilyRequest* request,
                                       v1::ListFamilyResponse* response) override;
  grpc::ServerUnaryReactor* CheckEligibility(grpc::CallbackServerContext* context,
                                             const v1::EligibilityQuestion* request,
                                             v1::EligibilityAnswer* response) override;
  grpc::ServerUnaryReactor* CheckEligibilityBatch(grpc::CallbackServerContext* context,
                                                  const v1::CheckEligibilityBatchRequest* request,
                                                  v1::CheckEligibilityBatchResponse* response) override;
  grpc::ServerUnaryReactor* GetAttestation(grpc::CallbackServerContext* context,
                                           const v1::GetAttestationRequest* request,
                                           v1::Attestation* response) override;
  grpc::ServerUnaryReactor* VerifyAttestation(grpc::CallbackServerContext* context,
                                              const v1::VerifyAttestationRequest* request,
                                              v1::VerifyAttestationResponse* response) override;

 private:
  Families& families_;
  Eligibility& eligibility_;
  Attestations& attestations_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::beneficiary
