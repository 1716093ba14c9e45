#include "contributions/src/contributions_service.h"

#include "core/status_macros.h"
#include "rpc/server.h"

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
}

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

}  // namespace himaya::contributions
