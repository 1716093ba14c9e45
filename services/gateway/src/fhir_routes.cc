#include "gateway/src/fhir_routes.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "gateway/src/fhir_capability.h"
#include "gateway/src/fhir_claims.h"
#include "gateway/src/fhir_coverage.h"
#include "gateway/src/fhir_eligibility.h"
#include "gateway/src/fhir_terminology.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "rpc/client.h"

namespace himaya::gateway {
namespace {

namespace ben = beneficiary::v1;
namespace cv1 = claims::v1;

constexpr char kBase[] = "/fhir/r4";
// The reason of a partner's read in the access audit (a partner sends none).
constexpr char kPartnerReadReason[] = "FHIR read by an API client";

void Answer(const nlohmann::json& resource, HttpResponse* response, int status = 200) {
  response->status = status;
  response->content_type = fhir::kContentType;
  response->body = resource.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Fail(const ApiError& error, const HttpRequest& request, HttpResponse* response, int http_status = 0) {
  WriteOperationOutcome(error, request.request_id, response, http_status);
}

ApiError NotFound(absl::string_view what) { return {absl::StatusCode::kNotFound, std::string(what), "", {}}; }

// A claim id as the claims service gives or takes them.
bool IsClaimId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

// The FHIR endpoints over typed stubs of the backends.
class FhirEndpoints {
 public:
  FhirEndpoints(const Backends& backends, AccessAudit& audit, FhirOptions options)
      : audit_(audit),
        beneficiary_(ben::BeneficiaryService::NewStub(backends.beneficiary.Next())),
        claims_(cv1::ClaimsService::NewStub(backends.claims.Next())),
        deadline_(backends.deadline),
        options_(std::move(options)) {}

  void SearchCoverage(const HttpRequest& request, const Caller& caller, HttpResponse* response) {
    absl::StatusOr<std::string> beneficiary_id = fhir::BeneficiaryOfSearch(request);
    if (!beneficiary_id.ok()) return Fail(fhir::FhirError(beneficiary_id.status()), request, response);
    if (!Audited(request, caller, "GET /fhir/r4/Coverage", *beneficiary_id, response)) return;
    ben::ListFamilyRequest ask;
    ask.set_registration_number(fhir::InsuredOf(*beneficiary_id));
    ben::ListFamilyResponse family;
    grpc::Status status = beneficiary_->ListFamily(rpc::NewContext(deadline_).get(), ask, &family);
    const absl::CivilDay today = absl::ToCivilDay(options_.clock->Now(), options_.zone);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return Answer(fhir::CoverageBundle(nullptr, *beneficiary_id, options_.fund, today), response);
    }
    if (!status.ok()) return Fail(ErrorFromGrpc(status), request, response);
    Answer(fhir::CoverageBundle(&family, *beneficiary_id, options_.fund, today), response);
  }

  void CheckEligibility(const HttpRequest& request, const Caller& caller, HttpResponse* response) {
    if (!AcceptBody(request, response)) return;
    absl::StatusOr<fhir::EligibilityQuery> query = fhir::ReadEligibilityRequest(request.body);
    if (!query.ok()) return Fail(fhir::FhirError(query.status()), request, response);
    if (!Audited(request, caller, "POST /fhir/r4/CoverageEligibilityRequest", query->beneficiary_id, response)) return;
    ben::EligibilityQuestion question;
    question.set_beneficiary_id(query->beneficiary_id);
    question.set_date(query->date);
    ben::EligibilityAnswer answer;
    grpc::Status status = beneficiary_->CheckEligibility(rpc::NewContext(deadline_).get(), question, &answer);
    if (!status.ok()) return Fail(ErrorFromGrpc(status), request, response);
    Answer(fhir::EligibilityResponse(*query, answer, options_.fund, options_.clock->Now(), request.request_id),
           response);
  }

  void FileClaim(const HttpRequest& request, const Caller& caller, HttpResponse* response) {
    if (!AcceptBody(request, response)) return;
    absl::StatusOr<fhir::ClaimFiling> filing = fhir::ReadClaim(request.body, caller.subject);
    if (!filing.ok()) return Fail(fhir::FhirError(filing.status()), request, response);
    cv1::Claim claim;
    grpc::Status status = claims_->SubmitClaim(rpc::NewContext(deadline_).get(), filing->request, &claim);
    if (!status.ok()) return Fail(fhir::ClaimFilingError(status), request, response);
    response->headers.emplace_back("Content-Location", absl::StrCat(kBase, "/ClaimResponse/", claim.claim_id()));
    Answer(fhir::ClaimResponse(claim, options_.fund, filing->identifier), response);
  }

  void ReadClaimResponse(const HttpRequest& request, const Caller& caller, const std::string& id,
                         HttpResponse* response) {
    // Another client's claim is answered as one that does not exist.
    const ApiError unknown = NotFound("ClaimResponse: no claim of this client by that id");
    if (!IsClaimId(id)) return Fail(unknown, request, response);
    cv1::GetClaimRequest ask;
    ask.set_claim_id(id);
    cv1::Claim claim;
    grpc::Status status = claims_->GetClaim(rpc::NewContext(deadline_).get(), ask, &claim);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return Fail(unknown, request, response);
    if (!status.ok()) return Fail(ErrorFromGrpc(status), request, response);
    if (claim.channel() != fhir::PartnerChannel(caller.subject)) return Fail(unknown, request, response);
    if (!Audited(request, caller, "GET /fhir/r4/ClaimResponse/{id}", claim.registration_number(), response)) return;
    Answer(fhir::ClaimResponse(claim, options_.fund), response);
  }

 private:
  // Writes the partner's read of `subject` to the access audit; otherwise answers 503.
  bool Audited(const HttpRequest& request, const Caller& caller, absl::string_view action, absl::string_view subject,
               HttpResponse* response) {
    absl::Status recorded = audit_.Record(caller, action, subject, kPartnerReadReason, request.request_id);
    if (recorded.ok()) return true;
    log::Error("access audit failed: nothing answered",
               {{"route", action}, {"error", recorded}, {"request_id", request.request_id}});
    Fail({absl::StatusCode::kUnavailable, "the access audit cannot record this read; nothing was answered", "", {}},
         request, response);
    return false;
  }

  // A body in FHIR JSON (or plain JSON) within the size limit; otherwise answers 415 or 413.
  static bool AcceptBody(const HttpRequest& request, HttpResponse* response) {
    std::string type = absl::AsciiStrToLower(request.Header("content-type"));
    type = std::string(absl::StripAsciiWhitespace(type.substr(0, type.find(';'))));
    if (type != fhir::kContentType && type != "application/json") {
      Fail({absl::StatusCode::kInvalidArgument, "Content-Type: must be application/fhir+json", "", {}}, request,
           response, 415);
      return false;
    }
    if (request.body.size() > fhir::kMaxResourceBytes) {
      Fail({absl::StatusCode::kInvalidArgument,
            absl::StrCat("the resource exceeds ", fhir::kMaxResourceBytes, " bytes"),
            "",
            {}},
           request, response, 413);
      return false;
    }
    return true;
  }

  AccessAudit& audit_;
  std::unique_ptr<ben::BeneficiaryService::Stub> beneficiary_;
  std::unique_ptr<cv1::ClaimsService::Stub> claims_;
  const absl::Duration deadline_;
  const FhirOptions options_;
};

HandRoute Route(std::string method, absl::string_view path, api::v1::Access access, std::string summary) {
  HandRoute route;
  route.method = std::move(method);
  route.path_template = absl::StrCat(kBase, path);
  route.access = access;
  if (access == api::v1::API_KEY) route.roles = {kFhirScope};
  route.summary = std::move(summary);
  route.content_type = fhir::kContentType;
  route.fhir_errors = true;
  return route;
}

}  // namespace

std::vector<HandRoute> FhirRoutes(const Backends& backends, AccessAudit& audit, FhirOptions options) {
  auto endpoints = std::make_shared<FhirEndpoints>(backends, audit, std::move(options));
  std::vector<HandRoute> routes;

  HandRoute metadata = Route("GET", "/metadata", api::v1::PUBLIC, "FHIR R4 CapabilityStatement");
  metadata.handle = [](const HttpRequest&, const Caller&, const std::map<std::string, std::string>&,
                       HttpResponse* response) { Answer(fhir::CapabilityStatement(), response); };
  routes.push_back(std::move(metadata));

  HandRoute code_system =
      Route("GET", "/CodeSystem/{id}", api::v1::PUBLIC, "FHIR R4 CodeSystem: claim-reason or eligibility-reason");
  code_system.handle = [](const HttpRequest& request, const Caller&, const std::map<std::string, std::string>& params,
                          HttpResponse* response) {
    auto id = params.find("id");
    std::optional<nlohmann::json> found = id == params.end() ? std::nullopt : fhir::CodeSystemById(id->second);
    if (!found) return Fail(NotFound("CodeSystem: claim-reason and eligibility-reason are served"), request, response);
    Answer(*found, response);
  };
  routes.push_back(std::move(code_system));

  HandRoute coverage =
      Route("GET", "/Coverage", api::v1::API_KEY, "FHIR R4 Coverage search by beneficiary (searchset Bundle)");
  coverage.handle = [endpoints](const HttpRequest& request, const Caller& caller,
                                const std::map<std::string, std::string>&,
                                HttpResponse* response) { endpoints->SearchCoverage(request, caller, response); };
  routes.push_back(std::move(coverage));

  HandRoute eligibility = Route("POST", "/CoverageEligibilityRequest", api::v1::API_KEY,
                                "FHIR R4 CoverageEligibilityRequest, answered by a CoverageEligibilityResponse");
  eligibility.handle = [endpoints](const HttpRequest& request, const Caller& caller,
                                   const std::map<std::string, std::string>&,
                                   HttpResponse* response) { endpoints->CheckEligibility(request, caller, response); };
  routes.push_back(std::move(eligibility));

  HandRoute claim = Route("POST", "/Claim", api::v1::API_KEY, "FHIR R4 Claim, filed and answered by a ClaimResponse");
  claim.handle = [endpoints](const HttpRequest& request, const Caller& caller,
                             const std::map<std::string, std::string>&,
                             HttpResponse* response) { endpoints->FileClaim(request, caller, response); };
  routes.push_back(std::move(claim));

  HandRoute claim_response = Route("GET", "/ClaimResponse/{id}", api::v1::API_KEY,
                                   "FHIR R4 ClaimResponse: the current state of a claim this client filed");
  claim_response.handle = [endpoints](const HttpRequest& request, const Caller& caller,
                                      const std::map<std::string, std::string>& params, HttpResponse* response) {
    auto id = params.find("id");
    endpoints->ReadClaimResponse(request, caller, id == params.end() ? std::string() : id->second, response);
  };
  routes.push_back(std::move(claim_response));

  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    HandRoute unknown = Route(method, "/*", api::v1::API_KEY, "Unknown FHIR resources and interactions");
    unknown.in_openapi = false;
    unknown.handle = [](const HttpRequest& request, const Caller&, const std::map<std::string, std::string>&,
                        HttpResponse* response) {
      Fail(NotFound("no such FHIR resource or interaction here (see /fhir/r4/metadata)"), request, response);
    };
    routes.push_back(std::move(unknown));
  }
  return routes;
}

}  // namespace himaya::gateway
