#include "claims/src/payment_service.h"

#include <memory>

#include "absl/strings/match.h"
#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/server.h"
#include "rpc/streams.h"

namespace himaya::claims {
namespace {

// The trailing metadata key that carries a refusal's code (as ClaimsService does).
constexpr char kReasonKey[] = "himaya-reason";

void ToProto(const PaymentRun& run, v1::PaymentRun* out) {
  out->set_run_id(run.run_id);
  out->set_date(absl::FormatCivilTime(run.date));
  out->set_state(std::string(RunStateName(run.state)));
  out->set_claims(run.claims);
  out->set_insured(run.insured);
  out->set_total_centimes(run.total_centimes);
  out->set_lines_paid(run.lines_paid);
  out->set_lines_failed(run.lines_failed);
  *out->mutable_created_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(run.created_at));
}

void ToProto(const ConfirmationResult& r, v1::PaymentConfirmationResult* out) {
  out->set_run_id(r.run_id);
  out->set_lines_paid(r.lines_paid);
  out->set_lines_failed(r.lines_failed);
  out->set_lines_already_confirmed(r.lines_already_confirmed);
  out->set_claims_paid(r.claims_paid);
  out->set_claims_returned(r.claims_returned);
}

// One upload of a confirmation: the run first, then the CSV's chunks.
struct ConfirmationUpload {
  std::string run_id;
  std::unique_ptr<PaymentConfirmationReader> reader;
};

}  // namespace

grpc::ServerUnaryReactor* PaymentService::CreatePaymentRun(grpc::CallbackServerContext* context,
                                                           const v1::CreatePaymentRunRequest* request,
                                                           v1::PaymentRun* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    absl::StatusOr<PaymentRun> run = runs_.Create(request->date(), request->created_by());
    if (absl::IsFailedPrecondition(run.status()) && absl::StartsWith(run.status().message(), kNothingToPay)) {
      context->AddTrailingMetadata(kReasonKey, std::string(kNothingToPay));
    }
    RETURN_IF_ERROR(run.status());
    ToProto(*run, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PaymentService::GetPaymentRun(grpc::CallbackServerContext* context,
                                                        const v1::GetPaymentRunRequest* request,
                                                        v1::PaymentRun* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(PaymentRun run, runs_.Get(request->run_id()));
    ToProto(run, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::PaymentInstructionChunk>* PaymentService::GetPaymentInstructions(
    grpc::CallbackServerContext* context, const v1::GetPaymentRunRequest* request) {
  return new rpc::PagedWriteReactor<v1::PaymentInstructionChunk>(
      context, pool_,
      [this, run_id = request->run_id()](std::optional<int64_t> after) -> absl::StatusOr<rpc::StreamPage> {
        ASSIGN_OR_RETURN(InstructionsPage page, runs_.ReadInstructionsPage(run_id, after, page_lines_));
        return rpc::StreamPage{std::move(page.csv), page.next_after_line, page.last};
      },
      [](std::string bytes, v1::PaymentInstructionChunk* chunk) { chunk->set_csv(std::move(bytes)); });
}

grpc::ServerReadReactor<v1::PaymentConfirmationUpload>* PaymentService::ImportPaymentConfirmation(
    grpc::CallbackServerContext* context, v1::PaymentConfirmationResult* response) {
  auto upload = std::make_shared<ConfirmationUpload>();
  return new rpc::StreamReadReactor<v1::PaymentConfirmationUpload>(
      context, pool_,
      [this, upload](v1::PaymentConfirmationUpload& message) -> absl::Status {
        if (upload->reader == nullptr) {
          if (message.part_case() != v1::PaymentConfirmationUpload::kRunId) {
            return absl::InvalidArgumentError("run_id: the first message must name the run");
          }
          RETURN_IF_ERROR(runs_.Get(message.run_id()).status());
          upload->run_id = message.run_id();
          upload->reader = std::make_unique<PaymentConfirmationReader>(upload->run_id);
          return absl::OkStatus();
        }
        if (message.part_case() != v1::PaymentConfirmationUpload::kChunk) {
          return absl::InvalidArgumentError("upload: a second run_id");
        }
        return upload->reader->Feed(message.chunk());
      },
      [this, upload, response]() -> absl::Status {
        if (upload->reader == nullptr) return absl::InvalidArgumentError("run_id: the upload sent nothing");
        ASSIGN_OR_RETURN(std::vector<ConfirmedLine> lines, upload->reader->Finish());
        ASSIGN_OR_RETURN(ConfirmationResult result, runs_.Confirm(upload->run_id, lines));
        ToProto(result, response);
        return absl::OkStatus();
      });
}

}  // namespace himaya::claims
