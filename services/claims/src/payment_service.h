// The gRPC face of the payment runs (ClaimPaymentService): translates requests into calls of
// PaymentRuns and its answers into protos, mapping Status at the edge; the instructions are
// streamed a page at a time and the bank's confirmation read a chunk at a time
// (rpc/streams.h). It holds no rules and reads no database.
#pragma once

#include "claims/src/payment_runs.h"
#include "core/thread_pool.h"
#include "himaya/claims/v1/claims.grpc.pb.h"

namespace himaya::claims {

class PaymentService final : public v1::ClaimPaymentService::CallbackService {
 public:
  // The instructions are streamed `page_lines` lines per message.
  PaymentService(core::ThreadPool& pool, PaymentRuns& runs, int page_lines = 5000)
      : pool_(pool), runs_(runs), page_lines_(page_lines) {}

  grpc::ServerUnaryReactor* CreatePaymentRun(grpc::CallbackServerContext* context,
                                             const v1::CreatePaymentRunRequest* request,
                                             v1::PaymentRun* response) override;
  grpc::ServerUnaryReactor* GetPaymentRun(grpc::CallbackServerContext* context, const v1::GetPaymentRunRequest* request,
                                          v1::PaymentRun* response) override;
  grpc::ServerWriteReactor<v1::PaymentInstructionChunk>* GetPaymentInstructions(
      grpc::CallbackServerContext* context, const v1::GetPaymentRunRequest* request) override;
  grpc::ServerReadReactor<v1::PaymentConfirmationUpload>* ImportPaymentConfirmation(
      grpc::CallbackServerContext* context, v1::PaymentConfirmationResult* response) override;

 private:
  core::ThreadPool& pool_;
  PaymentRuns& runs_;
  const int page_lines_;
};

}  // namespace himaya::claims
