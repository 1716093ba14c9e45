// himaya batch / coverage / gen / review / ivr / code / activate / resend-code.
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "connection.h"
#include "core/json_file.h"
#include "datagen/liaison_generator.h"
#include "failure.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "output.h"
#include "password_input.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(std::string, registration_address);
ABSL_DECLARE_FLAG(std::string, program);
ABSL_FLAG(std::string, manifest, "",
          "batch submit / coverage import / claims submit: the manifest (default: NAME.manifest.json)");
ABSL_FLAG(std::string, liaison_body, "", "batch status/report: the liaison body, when a batch id is ambiguous");
ABSL_FLAG(bool, wait, true,
          "batch submit: wait until every row has its outcome; claims submit: until every file is decided");
ABSL_FLAG(absl::Duration, retry_for, absl::Minutes(2),
          "batch submit / coverage import / claims submit / claims confirm-payment / tariff import: how long to keep "
          "trying while the service is unavailable");
ABSL_FLAG(int64_t, records, 1000, "gen liaison: number of records");
ABSL_FLAG(std::string, out, ".",
          "gen liaison, gen claims: output directory; attestation get: the PDF file, or the directory of "
          "attestation-NUMBER.pdf; claims pay: the directory of payment-RUN_ID.csv");
ABSL_FLAG(uint64_t, seed, 1, "gen liaison, gen claims: random seed");
ABSL_FLAG(std::string, body, "", "gen liaison: liaison body (default: the program's usual one)");
ABSL_FLAG(double, duplicate_rate, 0.01, "gen liaison: share of rows repeating an earlier person");
ABSL_FLAG(double, invalid_rate, 0.02, "gen liaison: share of rows breaking a rule");
ABSL_FLAG(double, lookalike_rate, 0.005, "gen liaison: share of look-alikes under another CIN");
ABSL_FLAG(double, covered_rate, 0.03, "gen liaison: share of people already covered elsewhere");
ABSL_FLAG(std::string, state, "PENDING",
          "review list: PENDING, REGISTERED, MERGED or ALREADY_REGISTERED; claims review list: PENDING or DECIDED");
ABSL_FLAG(std::string, agent, "",
          "review decide, claims review decide: the agent deciding; family declare/remove, claims ald add, claims pay: "
          "the agent acting (default: the user); payment-mode: the agent choosing (default: cli); audit: only this "
          "agent's reads");
ABSL_FLAG(std::string, password_file, "",
          "account activate, agent add: a file whose first line is the new password (default: read from standard "
          "input, not echoed on a terminal); never a flag's value, which any user sees in the process list");
ABSL_FLAG(int, page_size, 500, "review list, claims review list, claims overdue: entries asked per call (at most 500)");
ABSL_FLAG(std::string, page_token, "",
          "review list, claims review list, claims overdue: show only the page after this token (a previous page's "
          "next page token); "
          "default: every page");

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;

absl::StatusOr<std::unique_ptr<RegistrationStub>> Registration() {
  absl::StatusOr<std::string> address = ServiceAddress("registration", absl::GetFlag(FLAGS_registration_address));
  if (!address.ok()) return address.status();
  return reg::RegistrationService::NewStub(rpc::NewChannel(*address));
}

std::string ManifestPathFor(const std::string& file) {
  return absl::GetFlag(FLAGS_manifest).empty() ? DefaultManifestPath(file) : absl::GetFlag(FLAGS_manifest);
}

std::string Counts(const reg::BatchStatus& s) {
  std::vector<std::string> parts;
  for (const char* o : {"REGISTERED", "ALREADY_REGISTERED", "DUPLICATE_IN_BATCH", "ALREADY_COVERED", "INVALID",
                        "NEEDS_REVIEW", "DEPENDENT"}) {
    auto it = s.outcomes().find(o);
    if (it != s.outcomes().end() && it->second > 0) parts.push_back(absl::StrCat(o, " ", it->second));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

std::string StateName(reg::BatchState s) { return reg::BatchState_Name(s).substr(12); }

void PrintStatus(const reg::BatchStatus& s) {
  std::printf(
      "batch      %s/%s (%s)\nstate      %s%s\nrows       %lld received, %lld with their outcome\n"
      "outcomes   %s\n",
      s.liaison_body().c_str(), s.batch_id().c_str(), s.program().c_str(), StateName(s.state()).c_str(),
      s.refusal().empty() ? "" : absl::StrCat(": ", s.refusal()).c_str(), static_cast<long long>(s.rows_received()),
      static_cast<long long>(s.rows_applied()), Counts(s).c_str());
}

// Splits BODY/BATCH_ID, or takes --liaison_body.
std::pair<std::string, std::string> BatchRef(const std::string& arg) {
  size_t slash = arg.find('/');
  if (slash != std::string::npos) return {arg.substr(0, slash), arg.substr(slash + 1)};
  return {absl::GetFlag(FLAGS_liaison_body), arg};
}

}  // namespace

int Batch(const std::vector<std::string>& args) {
  if (args.size() != 2 || (args[0] != "submit" && args[0] != "status" && args[0] != "report")) {
    return Fail("usage: himaya batch submit FILE.csv | batch status [BODY/]BATCH_ID | batch report [BODY/]BATCH_ID");
  }
  auto stub = Registration();
  if (!stub.ok()) return Fail(stub.status());
  if (args[0] == "status") {
    auto [body, id] = BatchRef(args[1]);
    auto status = GetBatch(**stub, body, id);
    if (!status.ok()) return Fail(status.status());
    PrintStatus(*status);
    return status->state() == reg::BATCH_STATE_REFUSED ? 1 : 0;
  }
  if (args[0] == "report") {
    auto [body, id] = BatchRef(args[1]);
    reg::GetBatchRequest request;
    request.set_liaison_body(body);
    request.set_batch_id(id);
    grpc::ClientContext context;
    auto reader = (*stub)->GetBatchReport(&context, request);
    reg::ReportChunk chunk;
    while (reader->Read(&chunk)) std::fwrite(chunk.csv().data(), 1, chunk.csv().size(), stdout);
    grpc::Status status = reader->Finish();
    if (!status.ok()) return Fail(rpc::FromGrpcStatus(status));
    return 0;
  }
  // submit
  const bool tty = isatty(STDERR_FILENO);
  reg::Manifest manifest;
  // The progress line's own copy of the manifest (an empty one when it cannot be read: the upload
  // says why): `manifest` is written by the upload while the progress thread runs.
  const reg::Manifest shown = ReadManifest(ManifestPathFor(args[1])).value_or(reg::Manifest());
  std::atomic<bool> uploading{true};
  const absl::Time start = absl::Now();
  std::thread progress;
  auto show = [&](const reg::BatchStatus& s) {
    const double seconds = std::max(0.001, absl::ToDoubleSeconds(absl::Now() - start));
    std::fprintf(stderr, "\r\033[K%s: %lld/%lld rows read, %lld decided (%.0f rows/s)  %s",
                 StateName(s.state()).c_str(), static_cast<long long>(s.rows_received()),
                 static_cast<long long>(shown.record_count()), static_cast<long long>(s.rows_applied()),
                 s.rows_applied() > 0 ? s.rows_applied() / seconds : s.rows_received() / seconds, Counts(s).c_str());
  };
  if (tty) {
    // Shares with this thread only `uploading`, `shown` (read only) and the stub (thread-safe).
    progress = std::thread([&] {
      while (uploading) {
        absl::SleepFor(absl::Milliseconds(500));
        if (!uploading || shown.batch_id().empty()) continue;
        auto s = GetBatch(**stub, shown.liaison_body(), shown.batch_id());
        if (s.ok() && uploading) show(*s);
      }
    });
  }
  const absl::Duration retry_for = absl::GetFlag(FLAGS_retry_for);
  absl::StatusOr<reg::BatchStatus> received =
      Upload<reg::BatchStatus>(args[1], ManifestPathFor(args[1]), &reg::RegistrationService::Stub::SubmitBatch,
                               Registration, retry_for, &manifest);
  uploading = false;
  if (progress.joinable()) progress.join();
  if (!received.ok()) {
    if (tty) std::fprintf(stderr, "\n");
    return Fail(absl::Status(received.status().code(), absl::StrCat("batch refused: ", received.status().message())));
  }
  reg::BatchStatus status = *received;
  if (absl::GetFlag(FLAGS_wait)) {
    auto applied = WaitUntilApplied(
        status, absl::Milliseconds(tty ? 500 : 1000),
        [&] {
          return RetryWhileUnavailable<reg::BatchStatus>(retry_for, [&]() -> absl::StatusOr<reg::BatchStatus> {
            auto current = Registration();  // it may have moved after a restart
            if (!current.ok()) return current.status();
            return GetBatch(**current, manifest.liaison_body(), manifest.batch_id());
          });
        },
        [&](const reg::BatchStatus& s) {
          if (tty) show(s);
        });
    if (!applied.ok()) return Fail(applied.status());
    status = *applied;
  }
  if (tty) std::fprintf(stderr, "\n");
  PrintStatus(status);
  std::printf("elapsed    %.1f s\n", absl::ToDoubleSeconds(absl::Now() - start));
  return status.state() == reg::BATCH_STATE_REFUSED ? 1 : 0;
}

int Coverage(const std::vector<std::string>& args) {
  if (args.size() != 2 || args[0] != "import") return Fail("usage: himaya coverage import FILE.csv");
  auto stub = Registration();
  if (!stub.ok()) return Fail(stub.status());
  reg::Manifest manifest;
  auto result = Upload<reg::CoverageImportResult>(args[1], ManifestPathFor(args[1]),
                                                  &reg::RegistrationService::Stub::ImportCoverage, Registration,
                                                  absl::GetFlag(FLAGS_retry_for), &manifest);
  if (!result.ok()) return Fail(result.status());
  std::printf("coverage   %s/%s\nrows       %lld received, %lld invalid\ncoverages  %lld added, %lld updated\n",
              result->operator_().c_str(), result->batch_id().c_str(), static_cast<long long>(result->rows_received()),
              static_cast<long long>(result->rows_invalid()), static_cast<long long>(result->coverages_added()),
              static_cast<long long>(result->coverages_updated()));
  for (const std::string& e : result->errors()) std::printf("  %s\n", e.c_str());
  return 0;
}

int Gen(const std::vector<std::string>& args) {
  if (args.size() == 1 && args[0] == "claims") return GenClaims(args);
  if (args.size() != 1 || args[0] != "liaison") {
    return Fail(
        "usage: himaya gen liaison --records=N --program=P [--out=DIR] [--seed=S] [--body=B] [rates] | gen claims "
        "...");
  }
  datagen::LiaisonOptions o;
  o.records = absl::GetFlag(FLAGS_records);
  o.program = absl::GetFlag(FLAGS_program);
  o.liaison_body = absl::GetFlag(FLAGS_body);
  o.out_dir = absl::GetFlag(FLAGS_out);
  o.seed = absl::GetFlag(FLAGS_seed);
  o.duplicate_rate = absl::GetFlag(FLAGS_duplicate_rate);
  o.invalid_rate = absl::GetFlag(FLAGS_invalid_rate);
  o.lookalike_rate = absl::GetFlag(FLAGS_lookalike_rate);
  o.covered_rate = absl::GetFlag(FLAGS_covered_rate);
  auto batch = datagen::GenerateLiaisonBatch(o);
  if (!batch.ok()) return Fail(batch.status());
  std::printf("%s (%lld rows)\n%s\n%s (%lld coverages)\n%s\n", batch->csv_path.c_str(),
              static_cast<long long>(batch->rows), batch->manifest_path.c_str(), batch->coverage_csv_path.c_str(),
              static_cast<long long>(batch->coverage_rows), batch->coverage_manifest_path.c_str());
  return 0;
}

int Review(const std::vector<std::string>& args) {
  auto stub = Registration();
  if (!stub.ok()) return Fail(stub.status());
  if (args.size() == 1 && args[0] == "list") {
    absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
    if (!format.ok()) return Fail(format.status());
    // Every page, unless --page_token asks for one.
    const std::string first_token = absl::GetFlag(FLAGS_page_token);
    reg::ListReviewsRequest request;
    request.set_state(absl::GetFlag(FLAGS_state));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(first_token);
    std::vector<reg::Review> reviews;
    std::string next;
    do {
      absl::StatusOr<reg::ListReviewsResponse> response = rpc::Call(**stub, &RegistrationStub::ListReviews, request);
      if (!response.ok()) return Fail(response.status());
      reviews.insert(reviews.end(), response->reviews().begin(), response->reviews().end());
      next = response->next_page_token();
      request.set_page_token(next);
    } while (first_token.empty() && !next.empty());
    if (*format == OutputFormat::kJson) {
      nlohmann::json out = {{"reviews", nlohmann::json::array()}};
      for (const auto& r : reviews) {
        out["reviews"].push_back({{"review_id", r.review_id()},
                                  {"liaison_body", r.liaison_body()},
                                  {"batch_id", r.batch_id()},
                                  {"record_id", r.record_id()},
                                  {"cin", r.cin()},
                                  {"last_name", r.last_name()},
                                  {"first_name", r.first_name()},
                                  {"birth_date", r.birth_date()},
                                  {"candidate_registration_number", r.candidate_registration_number()},
                                  {"household_members_waiting", r.household_members_waiting()},
                                  {"state", r.state()},
                                  {"decided_by", r.decided_by()},
                                  {"registration_number", r.registration_number()}});
      }
      if (!first_token.empty()) out["next_page_token"] = next;
      std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      return 0;
    }
    for (const auto& r : reviews) {
      std::printf("%s  %s/%s row %s: %s %s, born %s, CIN %s looks like %s%s  [%s%s]\n", r.review_id().c_str(),
                  r.liaison_body().c_str(), r.batch_id().c_str(), r.record_id().c_str(), r.first_name().c_str(),
                  r.last_name().c_str(), r.birth_date().c_str(), r.cin().c_str(),
                  r.candidate_registration_number().c_str(),
                  r.household_members_waiting() == 0
                      ? ""
                      : absl::StrCat(" (", r.household_members_waiting(), " household members wait)").c_str(),
                  r.state().c_str(), r.decided_by().empty() ? "" : absl::StrCat(" by ", r.decided_by()).c_str());
    }
    if (reviews.empty()) std::printf("no %s reviews\n", request.state().c_str());
    if (!first_token.empty() && !next.empty()) std::printf("next page: --page_token=%s\n", next.c_str());
    return 0;
  }
  if (args.size() == 3 && args[0] == "decide" && (args[2] == "new" || args[2] == "merge")) {
    reg::DecideReviewRequest request;
    request.set_review_id(args[1]);
    request.set_decision(args[2] == "new" ? reg::DecideReviewRequest::REGISTER_AS_NEW
                                          : reg::DecideReviewRequest::MERGE_WITH_EXISTING);
    request.set_agent(absl::GetFlag(FLAGS_agent));
    absl::StatusOr<reg::Review> review = rpc::Call(**stub, &RegistrationStub::DecideReview, request);
    if (!review.ok()) return Fail(review.status());
    std::printf("%s: %s as %s by %s%s\n", review->review_id().c_str(), review->state().c_str(),
                review->registration_number().c_str(), review->decided_by().c_str(),
                review->household_members_attached() == 0
                    ? ""
                    : absl::StrCat("; ", review->household_members_attached(), " household members attached").c_str());
    return 0;
  }
  return Fail(
      "usage: himaya review list [--state=PENDING] [--page_token=T] [--output=json] | review decide REVIEW_ID "
      "new|merge --agent=NAME");
}

int Ivr(const std::vector<std::string>& args) {
  if (args.size() != 3 || args[0] != "lookup") return Fail("usage: himaya ivr lookup CIN YYYY-MM-DD");
  auto stub = Registration();
  if (!stub.ok()) return Fail(stub.status());
  reg::IvrLookupRequest request;
  request.set_cin(args[1]);
  request.set_birth_date(args[2]);
  absl::StatusOr<reg::IvrLookupResponse> response = rpc::Call(**stub, &RegistrationStub::LookupForIvr, request);
  if (!response.ok()) return Fail(response.status());
  std::printf("%s\n", response->registration_number().c_str());
  return 0;
}

absl::StatusOr<std::string> ReadPassword(const char* prompt) {
  std::string password;
  const std::string path = absl::GetFlag(FLAGS_password_file);
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("password_file: cannot read ", path));
    std::getline(in, password);
  } else if (isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "%s", prompt);
    termios saved;
    const bool hidden = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (hidden) {
      termios quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::getline(std::cin, password);
    if (hidden) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
  } else {
    std::getline(std::cin, password);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    return absl::InvalidArgumentError("password: is required (--password_file=FILE, or on standard input)");
  }
  return password;
}

int Account(const std::vector<std::string>& args) {
  auto stub = Registration();
  if (!stub.ok()) return Fail(stub.status());
  if (args.size() == 2 && args[0] == "code") {
    reg::IssueActivationCodeRequest request;
    request.set_registration_number(args[1]);
    absl::StatusOr<reg::IssueActivationCodeResponse> response =
        rpc::Call(**stub, &RegistrationStub::IssueActivationCode, request);
    if (!response.ok()) return Fail(response.status());
    std::printf("%s\n", response->code().c_str());
    return 0;
  }
  if (args.size() == 3 && args[0] == "activate") {
    absl::StatusOr<std::string> password = ReadPassword("new portal password (12 to 128 characters): ");
    if (!password.ok()) return Fail(password.status());
    reg::ActivateAccountRequest request;
    request.set_registration_number(args[1]);
    request.set_code(args[2]);
    request.set_password(*password);
    absl::StatusOr<reg::ActivateAccountResponse> activated =
        rpc::Call(**stub, &RegistrationStub::ActivateAccount, request);
    if (!activated.ok()) return Fail(activated.status());
    std::printf("account %s activated\n", args[1].c_str());
    return 0;
  }
  if (args.size() == 2 && args[0] == "resend-code") {
    reg::ResendActivationCodeRequest request;
    request.set_registration_number(args[1]);
    absl::StatusOr<reg::ResendActivationCodeResponse> asked =
        rpc::Call(**stub, &RegistrationStub::ResendActivationCode, request);
    if (!asked.ok()) return Fail(asked.status());
    // The same words whether or not the number has an account to open: the answer tells nothing.
    std::printf("new code requested for %s: sent by SMS if its account is not yet open\n", args[1].c_str());
    return 0;
  }
  return Fail(
      "usage: himaya account code NUMBER | account activate NUMBER CODE [--password_file=FILE] | account "
      "resend-code NUMBER");
}

}  // namespace himaya::cli
