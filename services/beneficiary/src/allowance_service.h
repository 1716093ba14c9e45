// The gRPC face of family allowance runs (FamilyAllowanceService): translates requests into
// calls of AllowanceRuns and its answers into protos, mapping Status at the edge; the report and
// the payment file are streamed a page at a time, the bank's confirmation read a chunk at a time
// (rpc/streams.h). A started draft is computed in the background: `on_started` wakes whoever
// computes it. It holds no rules and reads no database.
#pragma once

#include <functional>

#include "beneficiary/src/allowance_runs.h"
#include "core/thread_pool.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"

namespace himaya::beneficiary {

class AllowanceService final : public v1::FamilyAllowanceService::CallbackService {
 public:
  // CSVs are streamed `page_rows` rows per message.
  AllowanceService(core::ThreadPool& pool, AllowanceRuns& runs, std::function<void()> on_started, int page_rows = 5000)
      : pool_(pool), runs_(runs), on_started_(std::move(on_started)), page_rows_(page_rows) {}

  grpc::ServerUnaryReactor* CreateAllowanceRun(grpc::CallbackServerContext* context,
                                               const v1::CreateAllowanceRunRequest* request,
                                               v1::AllowanceRun* response) override;
  grpc::ServerUnaryReactor* GetAllowanceRun(grpc::CallbackServerContext* context,
                                            const v1::GetAllowanceRunRequest* request,
                                            v1::AllowanceRun* response) override;
  grpc::ServerWriteReactor<v1::AllowanceCsvChunk>* GetAllowanceReport(
      grpc::CallbackServerContext* context, const v1::GetAllowanceRunRequest* request) override;
  grpc::ServerUnaryReactor* ApproveAllowanceRun(grpc::CallbackServerContext* context,
                                                const v1::ApproveAllowanceRunRequest* request,
                                                v1::AllowanceRun* response) override;
  grpc::ServerUnaryReactor* PayAllowanceRun(grpc::CallbackServerContext* context,
                                            const v1::PayAllowanceRunRequest* request,
                                            v1::AllowanceRun* response) override;
  grpc::ServerWriteReactor<v1::AllowanceCsvChunk>* GetAllowancePaymentFile(
      grpc::CallbackServerContext* context, const v1::GetAllowanceRunRequest* request) override;
  grpc::ServerReadReactor<v1::AllowanceConfirmationUpload>* ImportAllowanceConfirmation(
      grpc::CallbackServerContext* context, v1::AllowanceConfirmationResult* response) override;

 private:
  core::ThreadPool& pool_;
  AllowanceRuns& runs_;
  const std::function<void()> on_started_;
  const int page_rows_;
};

}  // namespace himaya::beneficiary
