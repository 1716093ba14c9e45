// The gRPC face of the contributions service: translates requests into calls of the domain
// classes and their answers into protos, mapping Status at the edge. It holds no rules and
// reads no database.
#pragma once

#include "contributions/src/contribution_calls.h"
#include "contributions/src/contribution_status.h"
#include "contributions/src/payment_imports.h"
#include "core/thread_pool.h"
#include "himaya/contributions/v1/contributions.grpc.pb.h"

namespace himaya::contributions {

class ContributionsService final : public v1::ContributionsService::CallbackService {
 public:
  ContributionsService(core::ThreadPool& pool, ContributionCalls& calls, const ContributionStatuses& statuses,
                       PaymentImports& imports)
      : pool_(pool), calls_(calls), statuses_(statuses), imports_(imports) {}

  grpc::ServerUnaryReactor* CallContributions(grpc::CallbackServerContext* context,
                                              const v1::CallContributionsRequest* request,
                                              v1::CallContributionsResult* response) override;
  grpc::ServerUnaryReactor* GetContributionStatus(grpc::CallbackServerContext* context,
                                                  const v1::GetContributionStatusRequest* request,
                                                  v1::ContributionStatus* response) override;
  grpc::ServerReadReactor<v1::PaymentFileUpload>* ImportPayments(grpc::CallbackServerContext* context,
                                                                 v1::PaymentImportResult* response) override;

 private:
  core::ThreadPool& pool_;
  ContributionCalls& calls_;
  const ContributionStatuses& statuses_;
  PaymentImports& imports_;
};

}  // namespace himaya::contributions
