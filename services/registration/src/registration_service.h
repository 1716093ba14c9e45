// The gRPC face of registration: translates messages and delegates to the domain classes.
#pragma once

#include "core/thread_pool.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "registration/src/activation_codes.h"
#include "registration/src/batch_intake.h"
#include "registration/src/batch_reports.h"
#include "registration/src/batch_upload.h"
#include "registration/src/code_resends.h"
#include "registration/src/households.h"
#include "registration/src/ivr_lookup.h"
#include "registration/src/payment_modes.h"
#include "registration/src/portal_accounts.h"
#include "registration/src/registrar.h"
#include "registration/src/reviews.h"

namespace himaya::registration {

struct RegistrationDomain {
  Registrar* registrar;
  IntakeContext intake;
  ReviewQueue* reviews;
  ActivationCodes* codes;
  IvrLookup* ivr;
  Households* households;
  PortalAccounts* accounts = nullptr;
  CodeResends* resends = nullptr;
  PaymentModes* payment_modes = nullptr;
};

class RegistrationService final : public v1::RegistrationService::CallbackService {
 public:
  RegistrationService(RegistrationDomain domain, core::ThreadPool& pool) : domain_(std::move(domain)), pool_(pool) {}

  grpc::ServerUnaryReactor* RegisterPerson(grpc::CallbackServerContext* context,
                                           const v1::RegisterPersonRequest* request,
                                           v1::RegisterPersonResponse* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context, const v1::GetPersonRequest* request,
                                      v1::Person* response) override;
  grpc::ServerReadReactor<v1::UploadRequest>* SubmitBatch(grpc::CallbackServerContext* context,
                                                          v1::BatchStatus* response) override;
  grpc::ServerUnaryReactor* GetBatch(grpc::CallbackServerContext* context, const v1::GetBatchRequest* request,
                                     v1::BatchStatus* response) override;
  grpc::ServerWriteReactor<v1::ReportChunk>* GetBatchReport(grpc::CallbackServerContext* context,
                                                            const v1::GetBatchRequest* request) override;
  grpc::ServerReadReactor<v1::UploadRequest>* ImportCoverage(grpc::CallbackServerContext* context,
                                                             v1::CoverageImportResult* response) override;
  grpc::ServerUnaryReactor* ListReviews(grpc::CallbackServerContext* context, const v1::ListReviewsRequest* request,
                                        v1::ListReviewsResponse* response) override;
  grpc::ServerUnaryReactor* DecideReview(grpc::CallbackServerContext* context, const v1::DecideReviewRequest* request,
                                         v1::Review* response) override;
  grpc::ServerUnaryReactor* LookupForIvr(grpc::CallbackServerContext* context, const v1::IvrLookupRequest* request,
                                         v1::IvrLookupResponse* response) override;
  grpc::ServerUnaryReactor* IssueActivationCode(grpc::CallbackServerContext* context,
                                                const v1::IssueActivationCodeRequest* request,
                                                v1::IssueActivationCodeResponse* response) override;
  grpc::ServerUnaryReactor* GetRecipients(grpc::CallbackServerContext* context, const v1::GetRecipientsRequest* request,
                                          v1::GetRecipientsResponse* response) override;
  grpc::ServerUnaryReactor* ActivateAccount(grpc::CallbackServerContext* context,
                                            const v1::ActivateAccountRequest* request,
                                            v1::ActivateAccountResponse* response) override;
  grpc::ServerUnaryReactor* AuthenticateAccount(grpc::CallbackServerContext* context,
                                                const v1::AuthenticateAccountRequest* request,
                                                v1::AuthenticateAccountResponse* response) override;
  grpc::ServerUnaryReactor* ResendActivationCode(grpc::CallbackServerContext* context,
                                                 const v1::ResendActivationCodeRequest* request,
                                                 v1::ResendActivationCodeResponse* response) override;
  grpc::ServerUnaryReactor* GetHouseholdMembers(grpc::CallbackServerContext* context,
                                                const v1::GetHouseholdMembersRequest* request,
                                                v1::GetHouseholdMembersResponse* response) override;
  grpc::ServerUnaryReactor* ChoosePaymentMode(grpc::CallbackServerContext* context,
                                              const v1::ChoosePaymentModeRequest* request,
                                              v1::PaymentMode* response) override;
  grpc::ServerUnaryReactor* GetPaymentMode(grpc::CallbackServerContext* context,
                                           const v1::GetPaymentModeRequest* request,
                                           v1::PaymentMode* response) override;
  grpc::ServerUnaryReactor* GetPaymentAccounts(grpc::CallbackServerContext* context,
                                               const v1::GetPaymentAccountsRequest* request,
                                               v1::GetPaymentAccountsResponse* response) override;

 private:
  RegistrationDomain domain_;
  core::ThreadPool& pool_;
};

}  // namespace himaya::registration
