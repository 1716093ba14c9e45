#include "contributions/src/contributions_service.h"

#include <memory>
#include <optional>

#include "core/status_macros.h"
#include "rpc/server.h"
#include "rpc/streams.h"

namespace himaya::contributions {
namespace {

void ToProto(const CallResult& r, v1::CallContributionsResult* out) {
  out->set_period(r.period);
  out->set_insured_called(r.insured_called);
  out->set_insured_already_called(r.insured_already_called);
  out->set_billed_to_insured_centimes(r.billed_to_insured_centimes);
  out->set_billed_to_state_centimes(r.billed_to_state_centimes);
  out->set_insured_not_called(r.insured_not_called);
}

void ToProto(const ContributionStatus& s, v1::ContributionStatus* out) {
  out->set_registration_number(s.registration_number);
  for (const Call& c : s.calls) {
    v1::ContributionCall* call = out->add_calls();
    call->set_program(c.program);
    call->set_period(FormatPeriod(c.period));
    call->set_payer(std::string(PayerName(c.payer)));
    call->set_due_date(FormatDay(c.due_date));
    call->set_amount_centimes(c.amount_centimes);
    call->set_paid_centimes(c.paid_centimes);
  }
  out->set_balance_centimes(s.balance_centimes);
  out->set_arrears_centimes(s.arrears_centimes);
  for (const Suspension& suspension : s.suspensions) {
    v1::Suspension* o = out->add_suspensions();
    o->set_program(suspension.program);
    o->set_from_date(FormatDay(suspension.from_date));
  }
}

void ToProto(const ImportResult& r, v1::PaymentImportResult* out) {
  out->set_file_id(r.file_id);
  out->set_rows(r.rows);
  out->set_applied(r.applied);
  out->set_unknown_insured(r.unknown_insured);
  out->set_duplicate_payment(r.duplicate_payment);
  out->set_invalid(r.invalid);
  out->set_applied_centimes(r.applied_centimes);
  out->set_already_imported(r.already_imported);
  for (const PaymentRow& row : r.not_applied) {
    v1::PaymentRowOutcome* o = out->add_not_applied();
    o->set_row(row.row);
    o->set_payment_id(row.payment_id);
    o->set_outcome(std::string(RowOutcomeName(row.outcome)));
    o->set_reason(row.reason);
  }
}

// One ImportPayments call: the manifest opens the reader (or finds the file imported before,
// whose chunks are then not read), chunks feed it, the end applies it.
struct PaymentUpload {
  PaymentManifest manifest;
  std::unique_ptr<PaymentFileReader> reader;
  std::optional<ImportResult> earlier;
};

}  // namespace

grpc::ServerUnaryReactor* ContributionsService::CallContributions(grpc::CallbackServerContext* context,
                                                                  const v1::CallContributionsRequest* request,
                                                                  v1::CallContributionsResult* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(CallResult result, calls_.CallPeriod(request->period()));
    ToProto(result, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContributionsService::GetContributionStatus(grpc::CallbackServerContext* context,
                                                                      const v1::GetContributionStatusRequest* request,
                                                                      v1::ContributionStatus* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ContributionStatus status, statuses_.Get(request->registration_number()));
    ToProto(status, response);
    return absl::OkStatus();
  });
}

grpc::ServerReadReactor<v1::PaymentFileUpload>* ContributionsService::ImportPayments(
    grpc::CallbackServerContext* context, v1::PaymentImportResult* response) {
  auto upload = std::make_shared<PaymentUpload>();
  return new rpc::StreamReadReactor<v1::PaymentFileUpload>(
      context, pool_,
      [this, upload](v1::PaymentFileUpload& message) -> absl::Status {
        if (upload->reader == nullptr) {
          if (message.part_case() != v1::PaymentFileUpload::kManifest) {
            return absl::InvalidArgumentError("manifest: the first message must be the manifest");
          }
          upload->manifest = {message.manifest().file_id(), message.manifest().sha256(),
                              message.manifest().row_count()};
          ASSIGN_OR_RETURN(upload->reader, PaymentFileReader::Open(upload->manifest));
          ASSIGN_OR_RETURN(upload->earlier, imports_.Earlier(upload->manifest));
          return absl::OkStatus();
        }
        if (message.part_case() != v1::PaymentFileUpload::kChunk) {
          return absl::InvalidArgumentError("manifest: a second manifest");
        }
        if (upload->earlier) return absl::OkStatus();
        return upload->reader->Feed(message.chunk());
      },
      [this, upload, response]() -> absl::Status {
        if (upload->reader == nullptr) return absl::InvalidArgumentError("manifest: the upload sent nothing");
        if (upload->earlier) {
          ToProto(*upload->earlier, response);
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(std::vector<PaymentRow> rows, upload->reader->Finish());
        ASSIGN_OR_RETURN(ImportResult result, imports_.Import(upload->manifest, std::move(rows)));
        ToProto(result, response);
        return absl::OkStatus();
      });
}

}  // namespace himaya::contributions
