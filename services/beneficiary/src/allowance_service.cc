#include "beneficiary/src/allowance_service.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_service.h"
#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/server.h"
#include "rpc/streams.h"

namespace himaya::beneficiary {
namespace {

void ToProto(const AllowanceRun& run, v1::AllowanceRun* out) {
  const AllowanceRunRecord& r = run.record;
  const AllowanceTotals& t = run.totals;
  out->set_run_id(r.run_id);
  out->set_month(FormatMonth(r.month));
  out->set_state(r.state);
  out->set_complete(r.complete);
  out->set_households(t.households);
  out->set_households_with_amount(t.households_with_amount);
  out->set_children_with_right(t.children_with_right);
  out->set_amount_centimes(t.amount_centimes);
  out->set_arrears_centimes(t.arrears_centimes);
  out->set_recovery_centimes(t.recovery_centimes);
  out->set_net_centimes(t.net_centimes);
  out->set_lines(t.lines);
  out->set_lines_paid(t.lines_paid);
  out->set_lines_failed(t.lines_failed);
  out->set_no_payment_mode(t.no_payment_mode);
  out->set_created_by(r.created_by);
  out->set_approved_by(r.approved_by);
  *out->mutable_created_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(r.created_at));
}

// A run refused for its state or its month's order also gives its code (RUN_NOT_DRAFT,
// RUN_IN_PROGRESS, ...) in the trailing metadata.
absl::Status WithReason(grpc::CallbackServerContext* context, absl::Status status) {
  if (!absl::IsFailedPrecondition(status)) return status;
  for (absl::string_view code : {kRunNotDraft, kRunInProgress, kMonthBeforeLastRun, kDraftOutdated}) {
    if (absl::StartsWith(status.message(), absl::StrCat(code, ":"))) {
      context->AddTrailingMetadata(kReasonMetadata, std::string(code));
      break;
    }
  }
  return status;
}

// One upload of a confirmation: the run first, then the CSV's chunks.
struct ConfirmationUpload {
  std::string run_id;
  std::unique_ptr<payment_file::PaymentConfirmationReader> reader;
};

}  // namespace

grpc::ServerUnaryReactor* AllowanceService::CreateAllowanceRun(grpc::CallbackServerContext* context,
                                                               const v1::CreateAllowanceRunRequest* request,
                                                               v1::AllowanceRun* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    absl::StatusOr<AllowanceRun> run = runs_.Start(request->month(), request->created_by());
    if (!run.ok()) return WithReason(context, run.status());
    if (on_started_) on_started_();
    ToProto(*run, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AllowanceService::GetAllowanceRun(grpc::CallbackServerContext* context,
                                                            const v1::GetAllowanceRunRequest* request,
                                                            v1::AllowanceRun* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(AllowanceRun run, runs_.Get(request->run_id()));
    ToProto(run, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::AllowanceCsvChunk>* AllowanceService::GetAllowanceReport(
    grpc::CallbackServerContext* context, const v1::GetAllowanceRunRequest* request) {
  return new rpc::PagedWriteReactor<v1::AllowanceCsvChunk>(
      context, pool_,
      [this, run_id = request->run_id()](std::optional<int64_t> after) -> absl::StatusOr<rpc::StreamPage> {
        ASSIGN_OR_RETURN(CsvPage page, runs_.ReadReportPage(run_id, after, page_rows_));
        return rpc::StreamPage{std::move(page.csv), page.next_after, page.last};
      },
      [](std::string bytes, v1::AllowanceCsvChunk* chunk) { chunk->set_csv(std::move(bytes)); });
}

grpc::ServerUnaryReactor* AllowanceService::ApproveAllowanceRun(grpc::CallbackServerContext* context,
                                                                const v1::ApproveAllowanceRunRequest* request,
                                                                v1::AllowanceRun* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    absl::StatusOr<AllowanceRun> run = runs_.Approve(request->run_id(), request->agent());
    if (!run.ok()) return WithReason(context, run.status());
    ToProto(*run, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AllowanceService::PayAllowanceRun(grpc::CallbackServerContext* context,
                                                            const v1::PayAllowanceRunRequest* request,
                                                            v1::AllowanceRun* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(AllowanceRun run, runs_.Pay(request->run_id()));
    ToProto(run, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::AllowanceCsvChunk>* AllowanceService::GetAllowancePaymentFile(
    grpc::CallbackServerContext* context, const v1::GetAllowanceRunRequest* request) {
  return new rpc::PagedWriteReactor<v1::AllowanceCsvChunk>(
      context, pool_,
      [this, run_id = request->run_id()](std::optional<int64_t> after) -> absl::StatusOr<rpc::StreamPage> {
        ASSIGN_OR_RETURN(CsvPage page, runs_.ReadPaymentPage(run_id, after, page_rows_));
        return rpc::StreamPage{std::move(page.csv), page.next_after, page.last};
      },
      [](std::string bytes, v1::AllowanceCsvChunk* chunk) { chunk->set_csv(std::move(bytes)); });
}

grpc::ServerReadReactor<v1::AllowanceConfirmationUpload>* AllowanceService::ImportAllowanceConfirmation(
    grpc::CallbackServerContext* context, v1::AllowanceConfirmationResult* response) {
  auto upload = std::make_shared<ConfirmationUpload>();
  return new rpc::StreamReadReactor<v1::AllowanceConfirmationUpload>(
      context, pool_,
      [this, upload](v1::AllowanceConfirmationUpload& message) -> absl::Status {
        if (upload->reader == nullptr) {
          if (message.part_case() != v1::AllowanceConfirmationUpload::kRunId) {
            return absl::InvalidArgumentError("run_id: the first message must name the run");
          }
          RETURN_IF_ERROR(runs_.Get(message.run_id()).status());
          upload->run_id = message.run_id();
          upload->reader = std::make_unique<payment_file::PaymentConfirmationReader>(upload->run_id);
          return absl::OkStatus();
        }
        if (message.part_case() != v1::AllowanceConfirmationUpload::kChunk) {
          return absl::InvalidArgumentError("upload: a second run_id");
        }
        return upload->reader->Feed(message.chunk());
      },
      [this, upload, response]() -> absl::Status {
        if (upload->reader == nullptr) return absl::InvalidArgumentError("run_id: the upload sent nothing");
        ASSIGN_OR_RETURN(std::vector<payment_file::ConfirmedLine> lines, upload->reader->Finish());
        ASSIGN_OR_RETURN(AllowanceConfirmation result, runs_.Confirm(upload->run_id, lines));
        response->set_run_id(result.run_id);
        response->set_lines_paid(result.lines_paid);
        response->set_lines_failed(result.lines_failed);
        response->set_lines_already_confirmed(result.lines_already_confirmed);
        response->set_run_paid(result.run_paid);
        return absl::OkStatus();
      });
}

}  // namespace himaya::beneficiary
