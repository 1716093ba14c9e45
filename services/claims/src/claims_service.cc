#include "claims/src/claims_service.h"

#include "absl/strings/match.h"
#include "claims/src/claim_proto.h"
#include "core/status_macros.h"
#include "rpc/server.h"
#include "rpc/streams.h"

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

liaison::Manifest ManifestOf(const v1::Manifest& m) {
  liaison::Manifest out;
  out.batch_id = m.batch_id();
  out.liaison_body = m.liaison_body();
  out.record_count = m.record_count();
  out.sha256 = m.sha256();
  out.produced_at = m.produced_at();
  return out;
}

// One SubmitClaimBatch call: the manifest begins the upload, chunks feed it, the end finishes it.
struct BatchCall {
  const BatchIntakeContext* context = nullptr;
  v1::ClaimBatchStatus* response = nullptr;
  std::unique_ptr<ClaimBatchUpload> upload;

  absl::Status OnMessage(v1::ClaimBatchUpload& message) {
    if (upload == nullptr) {
      if (message.part_case() != v1::ClaimBatchUpload::kManifest) {
        return absl::InvalidArgumentError("manifest: the first message must be the manifest");
      }
      ASSIGN_OR_RETURN(upload, ClaimBatchUpload::Begin(*context, ManifestOf(message.manifest())));
      return absl::OkStatus();
    }
    if (message.part_case() != v1::ClaimBatchUpload::kChunk) {
      return absl::InvalidArgumentError("upload: a second manifest");
    }
    return upload->Feed(message.chunk());
  }
  absl::Status OnEnd() {
    if (upload == nullptr) return absl::InvalidArgumentError("manifest: the upload sent nothing");
    ASSIGN_OR_RETURN(ClaimBatchStatus status, upload->Finish());
    ToProto(status, response);
    return absl::OkStatus();
  }
};

// One ImportTariff call: the header begins the import, chunks feed it, the end records it.
struct TariffCall {
  const TariffImports* imports = nullptr;
  v1::TariffImportResult* response = nullptr;
  std::unique_ptr<TariffImport> import;

  absl::Status OnMessage(v1::TariffUpload& message) {
    if (import == nullptr) {
      if (message.part_case() != v1::TariffUpload::kHeader) {
        return absl::InvalidArgumentError("header: the first message must be the header");
      }
      ASSIGN_OR_RETURN(import, imports->Begin(message.header().version(), message.header().effective_from()));
      return absl::OkStatus();
    }
    if (message.part_case() != v1::TariffUpload::kChunk) return absl::InvalidArgumentError("upload: a second header");
    return import->Feed(message.chunk());
  }
  absl::Status OnEnd() {
    if (import == nullptr) return absl::InvalidArgumentError("header: the upload sent nothing");
    ASSIGN_OR_RETURN(TariffImportResult result, import->Finish());
    response->set_version(result.version);
    response->set_effective_from(FormatClaimDay(result.effective_from));
    response->set_acts(result.acts);
    response->set_already_imported(result.already_imported);
    return absl::OkStatus();
  }
};

}  // namespace

grpc::ServerReadReactor<v1::TariffUpload>* ClaimsService::ImportTariff(grpc::CallbackServerContext* context,
                                                                       v1::TariffImportResult* response) {
  auto call = std::make_shared<TariffCall>();
  call->imports = domain_.tariffs;
  call->response = response;
  return new rpc::StreamReadReactor<v1::TariffUpload>(
      context, pool_, [call](v1::TariffUpload& message) { return call->OnMessage(message); },
      [call] { return call->OnEnd(); });
}

grpc::ServerUnaryReactor* ClaimsService::RegisterAldCertificate(grpc::CallbackServerContext* context,
                                                                const v1::RegisterAldCertificateRequest* request,
                                                                v1::AldCertificate* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(AldCertificate c,
                     domain_.ald->Register({request->certificate(), request->beneficiary_id(), request->valid_from(),
                                            request->valid_until(), request->registered_by()}));
    response->set_certificate(c.certificate);
    response->set_beneficiary_id(c.beneficiary_id);
    response->set_valid_from(FormatClaimDay(c.valid_from));
    response->set_valid_until(FormatClaimDay(c.valid_until));
    return absl::OkStatus();
  });
}

grpc::ServerReadReactor<v1::ClaimBatchUpload>* ClaimsService::SubmitClaimBatch(grpc::CallbackServerContext* context,
                                                                               v1::ClaimBatchStatus* response) {
  auto call = std::make_shared<BatchCall>();
  call->context = domain_.batches;
  call->response = response;
  return new rpc::StreamReadReactor<v1::ClaimBatchUpload>(
      context, pool_, [call](v1::ClaimBatchUpload& message) { return call->OnMessage(message); },
      [call] { return call->OnEnd(); });
}

grpc::ServerUnaryReactor* ClaimsService::GetClaimBatch(grpc::CallbackServerContext* context,
                                                       const v1::GetClaimBatchRequest* request,
                                                       v1::ClaimBatchStatus* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ClaimBatchStatus status,
                     GetClaimBatchStatus(*domain_.batches->db, request->sender(), request->batch_id()));
    ToProto(status, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::ReportChunk>* ClaimsService::GetClaimBatchReport(grpc::CallbackServerContext* context,
                                                                              const v1::GetClaimBatchRequest* request) {
  storage::Database* db = domain_.batches->db;
  const std::string sender = request->sender();
  const std::string batch_id = request->batch_id();
  return new rpc::PagedWriteReactor<v1::ReportChunk>(
      context, pool_,
      [db, sender, batch_id](std::optional<int64_t> after) -> absl::StatusOr<rpc::StreamPage> {
        ASSIGN_OR_RETURN(ClaimReportPage page, ReadClaimBatchReportPage(*db, sender, batch_id, after));
        return rpc::StreamPage{std::move(page.csv), page.next_after_row, page.last};
      },
      [](std::string bytes, v1::ReportChunk* chunk) { chunk->set_csv(std::move(bytes)); });
}

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

grpc::ServerUnaryReactor* ClaimsService::ListClaimReviews(grpc::CallbackServerContext* context,
                                                          const v1::ListClaimReviewsRequest* request,
                                                          v1::ListClaimReviewsResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ClaimPage page,
                     domain_.reviews->List(request->state(), request->page_size(), request->page_token()));
    for (const Claim& c : page.claims) ToProto(c, response->add_claims());
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimsService::DecideClaimReview(grpc::CallbackServerContext* context,
                                                           const v1::DecideClaimReviewRequest* request,
                                                           v1::Claim* response) {
  return rpc::Handle(context, pool_, [this, context, request, response]() -> absl::Status {
    ReviewDecision decision{request->claim_id(), ReviewVerdict::kConfirm, request->agent(), request->reason()};
    if (request->decision() == v1::DecideClaimReviewRequest::REJECT) {
      decision.verdict = ReviewVerdict::kReject;
    } else if (request->decision() != v1::DecideClaimReviewRequest::CONFIRM) {
      return absl::InvalidArgumentError("decision: CONFIRM or REJECT");
    }
    absl::StatusOr<Claim> claim = domain_.reviews->Decide(decision);
    if (!claim.ok()) return WithReason(context, claim.status());
    ToProto(*claim, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimsService::ListOverdueClaims(grpc::CallbackServerContext* context,
                                                           const v1::ListOverdueClaimsRequest* request,
                                                           v1::ListOverdueClaimsResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(ClaimPage page, domain_.clock->Overdue(request->page_size(), request->page_token()));
    for (const Claim& c : page.claims) ToProto(c, response->add_claims());
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace himaya::claims
