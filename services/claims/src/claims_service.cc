#include "claims/src/claims_service.h"

#include "absl/strings/match.h"
#include "claims/src/claim_proto.h"
#include "core/status_macros.h"
#include "rpc/server.h"

namespace himaya::claims {
namespace {

// A refusal whose message starts with its code ("CODE: ...") gives the code in the trailing
// metadata too.
absl::Status WithReason(grpc::CallbackServerContext* context, absl::Status status) {
  absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (!status.ok() && colon != absl::string_view::npos && colon > 0) {
    absl::string_view code = message.substr(0, colon);
    const bool is_code =
        std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
    if (is_code) context->AddTrailingMetadata(kReasonMetadata, std::string(code));
  }
  return status;
}

ClaimSubmission SubmissionOf(const v1::SubmitClaimRequest& r) {
  ClaimSubmission s{r.claim_id(), r.registration_number(), r.filed_date(), r.channel(), {}, r.idempotency_key()};
  s.items.reserve(r.items_size());
  for (const v1::ClaimItem& i : r.items()) {
    s.items.push_back(
        {i.beneficiary_id(), i.care_date(), i.act_code(), i.quantity(), i.amount_paid_centimes(), i.ald_certificate()});
  }
  return s;
}

}  // namespace

grpc::ServerUnaryReactor* ClaimsService::SubmitClaim(grpc::CallbackServerContext* context,
                                                     const v1::SubmitClaimRequest* request, v1::Claim* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    absl::StatusOr<Claim> claim = domain_.intake->Submit(SubmissionOf(*request));
    if (!claim.ok()) return WithReason(context, claim.status());
    ToProto(*claim, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimsService::GetClaim(grpc::CallbackServerContext* context,
                                                  const v1::GetClaimRequest* request, v1::Claim* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(Claim claim, domain_.lookup->Get(request->claim_id()));
    ToProto(claim, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimsService::ListClaims(grpc::CallbackServerContext* context,
                                                    const v1::ListClaimsRequest* request,
                                                    v1::ListClaimsResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ClaimPage page, domain_.lookup->OfInsured(request->registration_number(), request->page_size(),
                                                               request->page_token()));
    for (const Claim& c : page.claims) ToProto(c, response->add_claims());
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace himaya::claims
