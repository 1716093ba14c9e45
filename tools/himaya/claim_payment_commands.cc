// himaya claims pay / confirm-payment: a payment run of decided files for a value date and its
// instructions file for the bank, then the bank's confirmation sent back, asked of the claims
// service (ClaimPaymentService).
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "claims_file/dirhams.h"
#include "claims_output.h"
#include "commands.h"
#include "day_flag.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "payment_files.h"
#include "rpc/call.h"
#include "rpc/status.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(std::string, date);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, agent);
ABSL_DECLARE_FLAG(absl::Duration, retry_for);

namespace himaya::cli {
namespace {

namespace v1 = claims::v1;
using PaymentStub = v1::ClaimPaymentService::Stub;

void PrintRun(OutputFormat format, const v1::PaymentRun& run, const std::string& file) {
  using google::protobuf::util::TimeUtil;
  if (format == OutputFormat::kJson) {
    nlohmann::json json = {{"run_id", run.run_id()},
                           {"date", run.date()},
                           {"state", run.state()},
                           {"claims", run.claims()},
                           {"insured", run.insured()},
                           {"total_centimes", run.total_centimes()},
                           {"lines_paid", run.lines_paid()},
                           {"lines_failed", run.lines_failed()},
                           {"created_at", run.has_created_at() ? TimeUtil::ToString(run.created_at()) : ""},
                           {"instructions_file", file}};
    std::printf("%s\n", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  std::printf(
      "run           %s\ndate          %s\nstate         %s\nfiles         %lld\ninsured       %lld\n"
      "total         %s MAD\nlines paid    %lld\nlines failed  %lld\ninstructions  %s\n",
      run.run_id().c_str(), run.date().c_str(), run.state().c_str(), static_cast<long long>(run.claims()),
      static_cast<long long>(run.insured()), claims_file::FormatDirhams(run.total_centimes()).c_str(),
      static_cast<long long>(run.lines_paid()), static_cast<long long>(run.lines_failed()), file.c_str());
}

// Writes the run's instructions into `path`.
absl::Status WriteInstructions(PaymentStub& stub, const std::string& run_id, const std::string& path) {
  v1::GetPaymentRunRequest request;
  request.set_run_id(run_id);
  return WriteStreamedCsv<v1::PaymentInstructionChunk>(
      path, [&](grpc::ClientContext* context) { return stub.GetPaymentInstructions(context, request); });
}

// claims pay --date=YYYY-MM-DD [--out=DIR]: makes (or finds) the date's run and writes
// DIR/payment-RUN_ID.csv.
int Pay(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("usage: himaya claims pay --date=YYYY-MM-DD [--out=DIR]");
  const std::string date = absl::GetFlag(FLAGS_date);
  if (absl::Status s = CheckDay("date", date, true); !s.ok()) return Fail(std::string(s.message()));
  const std::string dir = absl::GetFlag(FLAGS_out).empty() ? "." : absl::GetFlag(FLAGS_out);
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return Fail(absl::StrCat("--out: ", dir, " is not a directory"));
  std::string agent = absl::GetFlag(FLAGS_agent);
  if (agent.empty() && std::getenv("USER") != nullptr) agent = std::getenv("USER");
  absl::StatusOr<std::string> address = ClaimsAddress();
  if (!address.ok()) return Fail(address.status());
  PaymentStub stub(rpc::NewChannel(*address));
  v1::CreatePaymentRunRequest request;
  request.set_date(date);
  request.set_created_by(agent);
  absl::StatusOr<v1::PaymentRun> run = rpc::Call(stub, &PaymentStub::CreatePaymentRun, request);
  if (!run.ok()) return FailCall(run.status());
  const std::string path = (std::filesystem::path(dir) / absl::StrCat("payment-", run->run_id(), ".csv")).string();
  if (absl::Status written = WriteInstructions(stub, run->run_id(), path); !written.ok()) return Fail(written);
  PrintRun(format, *run, path);
  return 0;
}

void PrintConfirmation(OutputFormat format, const v1::PaymentConfirmationResult& r) {
  if (format == OutputFormat::kJson) {
    nlohmann::json json = {{"run_id", r.run_id()},
                           {"lines_paid", r.lines_paid()},
                           {"lines_failed", r.lines_failed()},
                           {"lines_already_confirmed", r.lines_already_confirmed()},
                           {"claims_paid", r.claims_paid()},
                           {"claims_returned", r.claims_returned()}};
    std::printf("%s\n", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  std::printf(
      "run                      %s\nlines paid               %lld\nlines failed             %lld\n"
      "lines already confirmed  %lld\nfiles paid               %lld\nfiles back to next run   %lld\n",
      r.run_id().c_str(), static_cast<long long>(r.lines_paid()), static_cast<long long>(r.lines_failed()),
      static_cast<long long>(r.lines_already_confirmed()), static_cast<long long>(r.claims_paid()),
      static_cast<long long>(r.claims_returned()));
}

// claims confirm-payment FILE: sends the bank's confirmation (run_id,line,registration_number,
// status,reason); sending it again is safe (lines confirmed before are counted, not applied).
int ConfirmPayment(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya claims confirm-payment FILE.csv");
  absl::StatusOr<std::string> run_id = RunOfConfirmation(args[1]);
  if (!run_id.ok()) return Fail(run_id.status());
  if (absl::StatusOr<std::string> address = ClaimsAddress(); !address.ok()) return Fail(address.status());
  v1::PaymentConfirmationUpload header;
  header.set_run_id(*run_id);
  absl::StatusOr<v1::PaymentConfirmationResult> result = UploadFile<PaymentStub>(
      args[1], header, &PaymentStub::ImportPaymentConfirmation, [] { return ClaimsAddress(); },
      absl::GetFlag(FLAGS_retry_for), "claims");
  if (!result.ok()) return FailCall(result.status());
  PrintConfirmation(format, *result);
  return 0;
}

}  // namespace

int ClaimsPay(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  return Pay(*format, args);
}

int ClaimsConfirmPayment(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  return ConfirmPayment(*format, args);
}

}  // namespace himaya::cli
