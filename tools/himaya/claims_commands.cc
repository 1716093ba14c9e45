// himaya claims / tariff: reimbursement files sent in bulk (submit, the report), one file's
// decision (status), the agents' review queue, files past their due date, ALD certificates, and
// TNR versions, asked of the claims service. Payment runs are in claim_payment_commands.cc.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "claims_output.h"
#include "commands.h"
#include "day_flag.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/call.h"
#include "rpc/status.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(std::string, manifest);
ABSL_DECLARE_FLAG(bool, wait);
ABSL_DECLARE_FLAG(absl::Duration, retry_for);
ABSL_DECLARE_FLAG(std::string, state);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_DECLARE_FLAG(std::string, agent);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_FLAG(std::string, sender, "",
          "claims report: the sender of the batch, when its id is ambiguous; gen claims: the sender of the file "
          "(default CASHPLUS)");
ABSL_FLAG(std::string, decision, "", "claims review decide: confirm (the rules' decision stands) or reject");
ABSL_FLAG(std::string, certificate, "", "claims ald add: the ALD certificate's number");
ABSL_FLAG(std::string, beneficiary, "", "claims ald add: the beneficiary id it is for (NUMBER or NUMBER-NN)");
ABSL_FLAG(std::string, from, "", "claims ald add: the first day of validity (YYYY-MM-DD)");
ABSL_FLAG(std::string, until, "",
          "claims ald add: the last day of validity (YYYY-MM-DD); events replay: only what was created before "
          "this RFC 3339 instant (default: up to now)");
ABSL_FLAG(std::string, tariff_version, "", "tariff import: the TNR version's name (default TNR-<effective_from>)");
ABSL_FLAG(std::string, effective_from, "",
          "tariff import: the first care day the version applies to (YYYY-MM-DD, default today)");

namespace himaya::cli {
namespace {

namespace v1 = claims::v1;

// How often `claims submit` asks where its batch stands.
constexpr absl::Duration kProgressInterval = absl::Milliseconds(500);

// SENDER/BATCH_ID, or BATCH_ID with --sender.
std::pair<std::string, std::string> BatchRef(const std::string& arg) {
  const size_t slash = arg.find('/');
  if (slash != std::string::npos) return {arg.substr(0, slash), arg.substr(slash + 1)};
  return {absl::GetFlag(FLAGS_sender), arg};
}

absl::StatusOr<v1::ClaimBatchStatus> GetBatch(const std::string& sender, const std::string& batch_id) {
  absl::StatusOr<std::string> address = ClaimsAddress();
  if (!address.ok()) return address.status();
  v1::GetClaimBatchRequest request;
  request.set_sender(sender);
  request.set_batch_id(batch_id);
  return rpc::Call(*address, &ClaimsStub::GetClaimBatch, request);
}

int64_t Outcome(const v1::ClaimBatchStatus& s, const char* outcome) {
  auto it = s.outcomes().find(outcome);
  return it == s.outcomes().end() ? 0 : it->second;
}

std::string Outcomes(const v1::ClaimBatchStatus& s) {
  std::vector<std::string> parts;
  for (const char* o : {"ACCEPTED", "PARTIAL", "REJECTED", "IN_REVIEW"}) {
    if (Outcome(s, o) > 0) parts.push_back(absl::StrCat(o, " ", Outcome(s, o)));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

bool StillDeciding(const v1::ClaimBatchStatus& s) { return s.state() == "RECEIVING" || s.state() == "DECIDING"; }

void PrintBatch(OutputFormat format, const v1::ClaimBatchStatus& s, absl::Duration elapsed) {
  using google::protobuf::util::TimeUtil;
  if (format == OutputFormat::kJson) {
    nlohmann::json json = {{"batch_id", s.batch_id()},
                           {"sender", s.sender()},
                           {"state", s.state()},
                           {"rows_received", s.rows_received()},
                           {"claims_received", s.claims_received()},
                           {"claims_decided", s.claims_decided()},
                           {"outcomes", nlohmann::json::object()},
                           {"refusal", s.refusal()},
                           {"received_at", s.has_received_at() ? TimeUtil::ToString(s.received_at()) : ""},
                           {"completed_at", s.has_completed_at() ? TimeUtil::ToString(s.completed_at()) : ""},
                           {"elapsed_seconds", absl::ToDoubleSeconds(elapsed)}};
    for (const auto& [outcome, n] : s.outcomes()) json["outcomes"][outcome] = n;
    std::printf("%s\n", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  std::printf(
      "batch      %s/%s\nstate      %s%s\nrows       %lld received\nfiles      %lld received, %lld decided\n"
      "outcomes   %s\nelapsed    %.1f s\n",
      s.sender().c_str(), s.batch_id().c_str(), s.state().c_str(),
      s.refusal().empty() ? "" : absl::StrCat(": ", s.refusal()).c_str(), static_cast<long long>(s.rows_received()),
      static_cast<long long>(s.claims_received()), static_cast<long long>(s.claims_decided()), Outcomes(s).c_str(),
      absl::ToDoubleSeconds(elapsed));
}

// claims submit FILE.csv [--manifest=M]: sends the file, then (--wait) asks for its status until
// every file is decided or in review; a progress line on a terminal. Exit 1 when refused.
int Submit(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya claims submit FILE.csv [--manifest=FILE.manifest.json]");
  const std::string manifest_path =
      absl::GetFlag(FLAGS_manifest).empty() ? DefaultManifestPath(args[1]) : absl::GetFlag(FLAGS_manifest);
  absl::StatusOr<v1::ClaimBatchUpload> header = ReadClaimBatchHeader(manifest_path);
  if (!header.ok()) return Fail(header.status());
  const v1::Manifest& manifest = header->manifest();
  if (!std::ifstream(args[1], std::ios::binary)) return Fail(absl::StrCat("cannot read ", args[1]));
  if (absl::StatusOr<std::string> address = ClaimsAddress(); !address.ok()) return Fail(address.status());

  const bool tty = isatty(STDERR_FILENO);
  const absl::Time start = absl::Now();
  auto show = [&](const v1::ClaimBatchStatus& s) {
    const double seconds = std::max(0.001, absl::ToDoubleSeconds(absl::Now() - start));
    std::fprintf(stderr, "\r\033[K%s: %lld/%lld rows read, %lld/%lld files decided (%.0f files/s)  %s",
                 s.state().c_str(), static_cast<long long>(s.rows_received()),
                 static_cast<long long>(manifest.record_count()), static_cast<long long>(s.claims_decided()),
                 static_cast<long long>(s.claims_received()), s.claims_decided() / seconds, Outcomes(s).c_str());
  };
  // The progress line while the bytes go: this thread shares only `uploading` and the manifest
  // (read only) with the upload.
  std::atomic<bool> uploading{true};
  std::thread progress;
  if (tty) {
    progress = std::thread([&] {
      while (uploading) {
        absl::SleepFor(kProgressInterval);
        auto s = GetBatch(manifest.liaison_body(), manifest.batch_id());
        if (s.ok() && uploading) show(*s);
      }
    });
  }
  const absl::Duration retry_for = absl::GetFlag(FLAGS_retry_for);
  absl::StatusOr<v1::ClaimBatchStatus> received =
      UploadFile(args[1], *header, &ClaimsStub::SubmitClaimBatch, ClaimsAddress, retry_for, "claims");
  uploading = false;
  if (progress.joinable()) progress.join();
  if (!received.ok()) {
    if (tty) std::fprintf(stderr, "\n");
    return Fail(absl::Status(received.status().code(), absl::StrCat("batch refused: ", received.status().message())));
  }
  // With --wait, the status as GetClaimBatch gives it (outcomes included) once nothing is left
  // to decide.
  v1::ClaimBatchStatus status = *received;
  for (bool first = true; absl::GetFlag(FLAGS_wait) && (first || StillDeciding(status)); first = false) {
    if (!first) absl::SleepFor(kProgressInterval);
    absl::StatusOr<v1::ClaimBatchStatus> next = RetryWhileUnavailable<v1::ClaimBatchStatus>(
        retry_for, [&] { return GetBatch(manifest.liaison_body(), manifest.batch_id()); }, "claims");
    if (!next.ok()) {
      if (tty) std::fprintf(stderr, "\n");
      return Fail(next.status());
    }
    status = *std::move(next);
    if (tty) show(status);
  }
  if (tty) std::fprintf(stderr, "\n");
  PrintBatch(format, status, absl::Now() - start);
  return status.state() == "REFUSED" ? 1 : 0;
}

// claims report [SENDER/]BATCH_ID: the CSV as the service streams it.
int Report(const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya claims report [SENDER/]BATCH_ID [--sender=SENDER]");
  absl::StatusOr<std::string> address = ClaimsAddress();
  if (!address.ok()) return Fail(address.status());
  auto [sender, batch_id] = BatchRef(args[1]);
  v1::GetClaimBatchRequest request;
  request.set_sender(sender);
  request.set_batch_id(batch_id);
  ClaimsStub stub(rpc::NewChannel(*address));
  grpc::ClientContext context;
  auto reader = stub.GetClaimBatchReport(&context, request);
  v1::ReportChunk chunk;
  while (reader->Read(&chunk)) std::fwrite(chunk.csv().data(), 1, chunk.csv().size(), stdout);
  if (absl::Status status = rpc::FromGrpcStatus(reader->Finish()); !status.ok()) return FailCall(status);
  return 0;
}

// claims status CLAIM_ID: the file and its items.
int ClaimStatus(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya claims status CLAIM_ID");
  absl::StatusOr<std::string> address = ClaimsAddress();
  if (!address.ok()) return Fail(address.status());
  v1::GetClaimRequest request;
  request.set_claim_id(args[1]);
  absl::StatusOr<v1::Claim> claim = rpc::Call(*address, &ClaimsStub::GetClaim, request);
  if (!claim.ok()) return FailCall(claim.status());
  PrintClaim(format, *claim);
  return 0;
}

// Every page of a list (or the one after --page_token), oldest first as the service gives them.
template <typename Request, typename Response>
absl::StatusOr<std::vector<v1::Claim>> AllPages(grpc::Status (ClaimsStub::*method)(grpc::ClientContext*, const Request&,
                                                                                   Response*),
                                                Request request, std::string* next_page) {
  absl::StatusOr<std::string> address = ClaimsAddress();
  if (!address.ok()) return address.status();
  ClaimsStub stub(rpc::NewChannel(*address));
  const std::string first_token = absl::GetFlag(FLAGS_page_token);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(first_token);
  std::vector<v1::Claim> claims;
  do {
    absl::StatusOr<Response> page = rpc::Call(stub, method, request);
    if (!page.ok()) return page.status();
    claims.insert(claims.end(), page->claims().begin(), page->claims().end());
    *next_page = page->next_page_token();
    request.set_page_token(*next_page);
  } while (first_token.empty() && !next_page->empty());
  if (first_token.empty()) next_page->clear();
  return claims;
}

void PrintPage(OutputFormat format, const std::vector<v1::Claim>& claims, const std::string& next_page,
               const std::string& empty) {
  PrintClaims(format, claims, empty);
  if (format == OutputFormat::kTable && !next_page.empty())
    std::printf("next page: --page_token=%s\n", next_page.c_str());
}

// A reason code as the service keeps them: capitals, digits and underscores, at most 64.
bool IsReasonCode(const std::string& code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

int ReviewCommand(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() == 2 && args[1] == "list") {
    v1::ListClaimReviewsRequest request;
    request.set_state(absl::GetFlag(FLAGS_state));
    if (request.state() != "PENDING" && request.state() != "DECIDED") return Fail("--state: PENDING or DECIDED");
    std::string next_page;
    absl::StatusOr<std::vector<v1::Claim>> claims = AllPages(&ClaimsStub::ListClaimReviews, request, &next_page);
    if (!claims.ok()) return FailCall(claims.status());
    PrintPage(format, *claims, next_page, absl::StrCat("no ", request.state(), " reviews"));
    return 0;
  }
  if (args.size() == 3 && args[1] == "decide") {
    v1::DecideClaimReviewRequest request;
    request.set_claim_id(args[2]);
    const std::string decision = absl::GetFlag(FLAGS_decision);
    if (decision == "confirm") {
      request.set_decision(v1::DecideClaimReviewRequest::CONFIRM);
    } else if (decision == "reject") {
      request.set_decision(v1::DecideClaimReviewRequest::REJECT);
    } else {
      return Fail("--decision: confirm or reject");
    }
    request.set_agent(absl::GetFlag(FLAGS_agent));
    if (request.agent().empty()) return Fail("--agent=ID is required (the agent deciding)");
    request.set_reason(absl::GetFlag(FLAGS_reason));
    if (!request.reason().empty() && !IsReasonCode(request.reason())) {
      return Fail("--reason: a reason code (capitals, digits and _, e.g. FORGED_DOCUMENT)");
    }
    absl::StatusOr<std::string> address = ClaimsAddress();
    if (!address.ok()) return Fail(address.status());
    absl::StatusOr<v1::Claim> claim = rpc::Call(*address, &ClaimsStub::DecideClaimReview, request);
    if (!claim.ok()) return FailCall(claim.status());
    PrintClaim(format, *claim);
    return 0;
  }
  return Fail(
      "usage: himaya claims review list [--state=PENDING|DECIDED] | claims review decide CLAIM_ID "
      "--decision=confirm|reject --agent=ID [--reason=CODE]");
}

int Overdue(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("usage: himaya claims overdue [--page_token=T]");
  std::string next_page;
  absl::StatusOr<std::vector<v1::Claim>> claims =
      AllPages(&ClaimsStub::ListOverdueClaims, v1::ListOverdueClaimsRequest(), &next_page);
  if (!claims.ok()) return FailCall(claims.status());
  PrintPage(format, *claims, next_page, "no file past its due date");
  return 0;
}

// claims ald add --certificate=C --beneficiary=ID --from=D --until=D
int Ald(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2 || args[1] != "add") {
    return Fail(
        "usage: himaya claims ald add --certificate=NUMBER --beneficiary=ID --from=YYYY-MM-DD --until=YYYY-MM-DD");
  }
  v1::RegisterAldCertificateRequest request;
  request.set_certificate(absl::GetFlag(FLAGS_certificate));
  request.set_beneficiary_id(absl::GetFlag(FLAGS_beneficiary));
  request.set_valid_from(absl::GetFlag(FLAGS_from));
  request.set_valid_until(absl::GetFlag(FLAGS_until));
  if (request.certificate().empty()) return Fail("--certificate is required");
  if (request.beneficiary_id().empty()) return Fail("--beneficiary is required (NUMBER or NUMBER-NN)");
  for (const auto& [flag, value] :
       {std::pair("from", request.valid_from()), std::pair("until", request.valid_until())}) {
    if (absl::Status s = CheckDay(flag, value, true); !s.ok()) return Fail(std::string(s.message()));
  }
  if (request.valid_until() < request.valid_from()) return Fail("--until: before --from");
  std::string agent = absl::GetFlag(FLAGS_agent);
  if (agent.empty() && std::getenv("USER") != nullptr) agent = std::getenv("USER");
  request.set_registered_by(agent.empty() ? "cli" : agent);
  absl::StatusOr<std::string> address = ClaimsAddress();
  if (!address.ok()) return Fail(address.status());
  absl::StatusOr<v1::AldCertificate> added = rpc::Call(*address, &ClaimsStub::RegisterAldCertificate, request);
  if (!added.ok()) return FailCall(added.status());
  PrintRows(format, {"CERTIFICATE", "BENEFICIARY_ID", "VALID_FROM", "VALID_UNTIL"},
            {{added->certificate(), added->beneficiary_id(), added->valid_from(), added->valid_until()}},
            {{"certificate", added->certificate()},
             {"beneficiary_id", added->beneficiary_id()},
             {"valid_from", added->valid_from()},
             {"valid_until", added->valid_until()}});
  return 0;
}

}  // namespace

int Claims(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  const std::string command = args.empty() ? "" : args[0];
  if (command == "submit") return Submit(*format, args);
  if (command == "report") return Report(args);
  if (command == "status") return ClaimStatus(*format, args);
  if (command == "review") return ReviewCommand(*format, args);
  if (command == "overdue") return Overdue(*format, args);
  if (command == "ald") return Ald(*format, args);
  if (command == "pay") return ClaimsPay(args);
  if (command == "confirm-payment") return ClaimsConfirmPayment(args);
  return Fail(
      "usage: himaya claims submit FILE.csv | report [SENDER/]BATCH_ID | status CLAIM_ID | review list | "
      "review decide CLAIM_ID ... | overdue | ald add ... | pay --date=YYYY-MM-DD | confirm-payment FILE.csv");
}

int Tariff(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (args.size() != 2 || args[0] != "import") {
    return Fail("usage: himaya tariff import FILE.csv [--effective_from=YYYY-MM-DD] [--tariff_version=V]");
  }
  // The version applies to care from today unless told otherwise, and is named after that day.
  std::string effective_from = absl::GetFlag(FLAGS_effective_from);
  if (effective_from.empty()) effective_from = absl::FormatCivilTime(ServiceToday());
  if (absl::Status s = CheckDay("effective_from", effective_from, true); !s.ok()) return Fail(std::string(s.message()));
  std::string version = absl::GetFlag(FLAGS_tariff_version);
  if (version.empty()) version = absl::StrCat("TNR-", effective_from);
  v1::TariffUpload header;
  header.mutable_header()->set_version(version);
  header.mutable_header()->set_effective_from(effective_from);
  if (absl::StatusOr<std::string> address = ClaimsAddress(); !address.ok()) return Fail(address.status());
  absl::StatusOr<v1::TariffImportResult> imported =
      UploadFile(args[1], header, &ClaimsStub::ImportTariff, ClaimsAddress, absl::GetFlag(FLAGS_retry_for), "claims");
  if (!imported.ok()) return FailCall(imported.status());
  PrintRows(*format, {"VERSION", "EFFECTIVE_FROM", "ACTS", "ALREADY_IMPORTED"},
            {{imported->version(), imported->effective_from(), absl::StrCat(imported->acts()),
              imported->already_imported() ? "yes" : "no"}},
            {{"version", imported->version()},
             {"effective_from", imported->effective_from()},
             {"acts", imported->acts()},
             {"already_imported", imported->already_imported()}});
  return 0;
}

}  // namespace himaya::cli
