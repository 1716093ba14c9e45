#include "claims_e2e.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"
#include "datagen/liaison_generator.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "liaison/manifest.h"
#include "liaison/manifested_csv.h"
#include "registration/api/manifest_proto.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"
#include "testing/kcat.h"

namespace himaya::e2e {
namespace {

namespace reg = himaya::registration::v1;
namespace ben = himaya::beneficiary::v1;

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string CasablancaToday() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Africa/Casablanca", &zone)) zone = absl::UTCTimeZone();
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), zone));
}

absl::StatusOr<std::vector<std::string>> RegisterInsured(const stack::LocalStack& stack, const std::string& dir,
                                                         int64_t count, uint64_t seed, const std::string& language) {
  datagen::LiaisonOptions gen = datagen::EveryoneRegisteredOptions(count, dir, seed);
  gen.language = language;
  ASSIGN_OR_RETURN(datagen::GeneratedBatch batch, datagen::GenerateLiaisonBatch(gen));
  ASSIGN_OR_RETURN(liaison::Manifest parsed, liaison::ParseManifestJson(ReadWholeFile(batch.manifest_path)));
  const reg::Manifest manifest = registration::ManifestToProto(parsed);
  auto registration = reg::RegistrationService::NewStub(rpc::NewChannel(stack.endpoint("registration").grpc));
  {
    grpc::ClientContext context;
    reg::BatchStatus status;
    auto writer = registration->SubmitBatch(&context, &status);
    reg::UploadRequest request;
    *request.mutable_manifest() = manifest;
    writer->Write(request);
    request.set_chunk(ReadWholeFile(batch.csv_path));
    writer->Write(request);
    writer->WritesDone();
    grpc::Status sent = writer->Finish();
    if (!sent.ok()) return rpc::FromGrpcStatus(sent);
  }
  reg::GetBatchRequest which;
  which.set_liaison_body(manifest.liaison_body());
  which.set_batch_id(manifest.batch_id());
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        auto got = rpc::Call(*registration, &reg::RegistrationService::Stub::GetBatch, which);
        return got.ok() && got->state() == reg::BATCH_STATE_COMPLETED;
      },
      absl::Seconds(180), "the liaison batch to complete"));
  std::string report;
  {
    grpc::ClientContext context;
    auto reader = registration->GetBatchReport(&context, which);
    reg::ReportChunk chunk;
    while (reader->Read(&chunk)) report += chunk.csv();
    grpc::Status read = reader->Finish();
    if (!read.ok()) return rpc::FromGrpcStatus(read);
  }
  std::vector<std::string> numbers;
  std::vector<std::string> lines = absl::StrSplit(report, '\n', absl::SkipEmpty());
  for (size_t i = 1; i < lines.size(); ++i) {
    // record_id,row_number,outcome,registration_number,reasons
    std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    if (f.size() >= 4 && f[2] == "REGISTERED") numbers.push_back(f[3]);
  }
  if (static_cast<int64_t>(numbers.size()) != count) {
    return absl::InternalError(absl::StrCat(numbers.size(), " of ", count, " registered"));
  }
  auto beneficiary = ben::BeneficiaryService::NewStub(rpc::NewChannel(stack.endpoint("beneficiary").grpc));
  size_t known = 0;  // numbers[0, known) are insured in beneficiary
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        for (; known < numbers.size(); ++known) {
          ben::ListFamilyRequest request;
          request.set_registration_number(numbers[known]);
          if (!rpc::Call(*beneficiary, &ben::BeneficiaryService::Stub::ListFamily, request).ok()) return false;
        }
        return true;
      },
      absl::Seconds(120), "beneficiary to know every insured"));
  return numbers;
}

absl::StatusOr<cl::TariffImportResult> ImportTestTariff(cl::ClaimsService::Stub& claims) {
  grpc::ClientContext context;
  cl::TariffImportResult result;
  auto writer = claims.ImportTariff(&context, &result);
  cl::TariffUpload upload;
  upload.mutable_header()->set_version("TNR-E2E-1");
  upload.mutable_header()->set_effective_from("2020-01-01");
  writer->Write(upload);
  upload.set_chunk(kTestTariffCsv);
  writer->Write(upload);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return result;
}

std::string ClaimsCsv(const std::vector<ClaimsFileRow>& rows) {
  std::string csv =
      "claim_id,registration_number,beneficiary_id,care_date,filed_date,act_code,quantity,amount_paid,"
      "ald_certificate\n";
  for (const ClaimsFileRow& r : rows) {
    absl::StrAppend(&csv, r.claim_id, ",", r.registration_number, ",", r.beneficiary_id, ",", r.care_date, ",",
                    r.filed_date, ",", r.act_code, ",", r.quantity, ",", r.amount_paid, ",\n");
  }
  return csv;
}

absl::StatusOr<cl::ClaimBatchStatus> SubmitClaimsFile(cl::ClaimsService::Stub& claims, const std::string& sender,
                                                      const std::string& batch_id, const std::string& csv,
                                                      int64_t rows) {
  grpc::ClientContext context;
  cl::ClaimBatchStatus status;
  auto writer = claims.SubmitClaimBatch(&context, &status);
  cl::ClaimBatchUpload upload;
  cl::Manifest* manifest = upload.mutable_manifest();
  manifest->set_batch_id(batch_id);
  manifest->set_liaison_body(sender);
  manifest->set_record_count(rows);
  manifest->set_sha256(liaison::Sha256Hex(csv));
  manifest->set_produced_at(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
  writer->Write(upload);
  constexpr size_t kChunk = 1 << 16;
  for (size_t at = 0; at < csv.size(); at += kChunk) {
    upload.set_chunk(csv.substr(at, kChunk));
    writer->Write(upload);
  }
  writer->WritesDone();
  grpc::Status sent = writer->Finish();
  if (!sent.ok()) return rpc::FromGrpcStatus(sent);
  return status;
}

absl::StatusOr<std::string> ClaimBatchReport(cl::ClaimsService::Stub& claims, const std::string& sender,
                                             const std::string& batch_id) {
  cl::GetClaimBatchRequest request;
  request.set_sender(sender);
  request.set_batch_id(batch_id);
  grpc::ClientContext context;
  auto reader = claims.GetClaimBatchReport(&context, request);
  std::string report;
  cl::ReportChunk chunk;
  while (reader->Read(&chunk)) report += chunk.csv();
  grpc::Status status = reader->Finish();
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return report;
}

absl::StatusOr<int> ConfirmPendingReviews(cl::ClaimsService::Stub& claims, const std::string& agent) {
  int confirmed = 0;
  std::string page_token;
  do {
    cl::ListClaimReviewsRequest list;
    list.set_state("PENDING");
    list.set_page_token(page_token);
    ASSIGN_OR_RETURN(cl::ListClaimReviewsResponse page,
                     rpc::Call(claims, &cl::ClaimsService::Stub::ListClaimReviews, list));
    for (const cl::Claim& claim : page.claims()) {
      cl::DecideClaimReviewRequest decide;
      decide.set_claim_id(claim.claim_id());
      decide.set_decision(cl::DecideClaimReviewRequest::CONFIRM);
      decide.set_agent(agent);
      RETURN_IF_ERROR(rpc::Call(claims, &cl::ClaimsService::Stub::DecideClaimReview, decide).status());
      ++confirmed;
    }
    page_token = page.next_page_token();
  } while (!page_token.empty());
  return confirmed;
}

absl::StatusOr<std::vector<events::Envelope>> ClaimsEventsOnKafka(const stack::LocalStack& stack,
                                                                  const std::string& program) {
  ASSIGN_OR_RETURN(std::vector<testing::KcatRecord> records,
                   testing::ReadTopicWithKcat(stack.bootstrap_servers(), absl::StrCat("himaya.claims.", program, ".v1"),
                                              absl::Seconds(120)));
  std::vector<events::Envelope> out;
  out.reserve(records.size());
  for (const testing::KcatRecord& record : records) {
    ASSIGN_OR_RETURN(events::Envelope envelope, events::ParseEnvelope(record.value));
    out.push_back(std::move(envelope));
  }
  return out;
}

}  // namespace himaya::e2e
