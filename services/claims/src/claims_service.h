// The gRPC face of claims (ClaimsService): translates requests into calls of the domain classes
// and their answers into protos (claim_proto.h), mapping Status at the edge. A refusal's code
// (CLAIM_ID_TAKEN, ...) starts its message and is also given in the trailing metadata
// `himaya-reason`. It holds no rules and reads no database.
#pragma once

#include "claims/src/batch_upload.h"
#include "claims/src/claim_clock.h"
#include "claims/src/claim_intake.h"
#include "claims/src/claim_lookup.h"
#include "claims/src/claim_reviews.h"
#include "claims/src/reference_data.h"
#include "core/thread_pool.h"
#include "himaya/claims/v1/claims.grpc.pb.h"

namespace himaya::claims {

// The trailing metadata key that carries a refusal's code.
inline constexpr char kReasonMetadata[] = "himaya-reason";

// The domain classes the RPCs call (not owned).
struct ClaimsDomain {
  ClaimIntake* intake = nullptr;
  ClaimLookup* lookup = nullptr;
  const BatchIntakeContext* batches = nullptr;
  const TariffImports* tariffs = nullptr;
  AldCertificates* ald = nullptr;
  ClaimReviews* reviews = nullptr;
  ClaimClock* clock = nullptr;
};

class ClaimsService final : public v1::ClaimsService::CallbackService {
 public:
  ClaimsService(ClaimsDomain domain, core::ThreadPool& pool) : domain_(domain), pool_(pool) {}

  grpc::ServerUnaryReactor* SubmitClaim(grpc::CallbackServerContext* context, const v1::SubmitClaimRequest* request,
                                        v1::Claim* response) override;
  grpc::ServerReadReactor<v1::ClaimBatchUpload>* SubmitClaimBatch(grpc::CallbackServerContext* context,
                                                                  v1::ClaimBatchStatus* response) override;
  grpc::ServerUnaryReactor* GetClaimBatch(grpc::CallbackServerContext* context, const v1::GetClaimBatchRequest* request,
                                          v1::ClaimBatchStatus* response) override;
  grpc::ServerWriteReactor<v1::ReportChunk>* GetClaimBatchReport(grpc::CallbackServerContext* context,
                                                                 const v1::GetClaimBatchRequest* request) override;
  grpc::ServerReadReactor<v1::TariffUpload>* ImportTariff(grpc::CallbackServerContext* context,
                                                          v1::TariffImportResult* response) override;
  grpc::ServerUnaryReactor* RegisterAldCertificate(grpc::CallbackServerContext* context,
                                                   const v1::RegisterAldCertificateRequest* request,
                                                   v1::AldCertificate* response) override;
  grpc::ServerUnaryReactor* GetClaim(grpc::CallbackServerContext* context, const v1::GetClaimRequest* request,
                                     v1::Claim* response) override;
  grpc::ServerUnaryReactor* ListClaims(grpc::CallbackServerContext* context, const v1::ListClaimsRequest* request,
                                       v1::ListClaimsResponse* response) override;
  // The review queue and the nine-day clock (claim_reviews.h, claim_clock.h).
  grpc::ServerUnaryReactor* ListClaimReviews(grpc::CallbackServerContext* context,
                                             const v1::ListClaimReviewsRequest* request,
                                             v1::ListClaimReviewsResponse* response) override;
  grpc::ServerUnaryReactor* DecideClaimReview(grpc::CallbackServerContext* context,
                                              const v1::DecideClaimReviewRequest* request,
                                              v1::Claim* response) override;
  grpc::ServerUnaryReactor* ListOverdueClaims(grpc::CallbackServerContext* context,
                                              const v1::ListOverdueClaimsRequest* request,
                                              v1::ListOverdueClaimsResponse* response) override;

 private:
  ClaimsDomain domain_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::claims
