// himaya allowances run / show / report / approve / pay / confirm-payment: family allowance runs
// asked of the beneficiary service (FamilyAllowanceService): a month's draft computed and its
// totals, its report, its approval, its payment file for the bank and the bank's confirmation.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "claims_file/dirhams.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "output.h"
#include "payment_files.h"
#include "rpc/call.h"
#include "rpc/status.h"
#include "uploads.h"

ABSL_FLAG(std::string, month, "", "allowances run: the month paid (YYYY-MM)");
ABSL_FLAG(absl::Duration, draft_wait, absl::Hours(2), "allowances run: how long to wait for the draft");
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, agent);
ABSL_DECLARE_FLAG(std::string, beneficiary_address);
ABSL_DECLARE_FLAG(absl::Duration, retry_for);

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
using AllowanceStub = ben::FamilyAllowanceService::Stub;

absl::StatusOr<std::string> BeneficiaryAddress() {
  return ServiceAddress("beneficiary", absl::GetFlag(FLAGS_beneficiary_address));
}

// The agent named by --agent, else the user running the command.
std::string AgentName() {
  std::string agent = absl::GetFlag(FLAGS_agent);
  if (agent.empty() && std::getenv("USER") != nullptr) agent = std::getenv("USER");
  return agent;
}

std::string Dirhams(int64_t centimes) { return absl::StrCat(claims_file::FormatDirhams(centimes), " MAD"); }

void PrintRun(OutputFormat format, const ben::AllowanceRun& r, const std::string& file = "") {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"run", r.run_id()},
      {"month", r.month()},
      {"state", r.state()},
      {"complete", r.complete() ? "yes" : "no"},
      {"households", absl::StrCat(r.households())},
      {"with an amount", absl::StrCat(r.households_with_amount())},
      {"children with right", absl::StrCat(r.children_with_right())},
      {"amount", Dirhams(r.amount_centimes())},
      {"arrears", Dirhams(r.arrears_centimes())},
      {"recovery", Dirhams(r.recovery_centimes())},
      {"net", Dirhams(r.net_centimes())},
      {"lines", absl::StrCat(r.lines())},
      {"lines paid", absl::StrCat(r.lines_paid())},
      {"lines failed", absl::StrCat(r.lines_failed())},
      {"no payment mode", absl::StrCat(r.no_payment_mode())},
      {"approved by", r.approved_by()},
  };
  if (format == OutputFormat::kJson) {
    nlohmann::json json = {{"run_id", r.run_id()},
                           {"month", r.month()},
                           {"state", r.state()},
                           {"complete", r.complete()},
                           {"households", r.households()},
                           {"households_with_amount", r.households_with_amount()},
                           {"children_with_right", r.children_with_right()},
                           {"amount_centimes", r.amount_centimes()},
                           {"arrears_centimes", r.arrears_centimes()},
                           {"recovery_centimes", r.recovery_centimes()},
                           {"net_centimes", r.net_centimes()},
                           {"lines", r.lines()},
                           {"lines_paid", r.lines_paid()},
                           {"lines_failed", r.lines_failed()},
                           {"no_payment_mode", r.no_payment_mode()},
                           {"created_by", r.created_by()},
                           {"approved_by", r.approved_by()}};
    if (!file.empty()) json["payment_file"] = file;
    std::printf("%s\n", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  for (const auto& [name, value] : fields) std::printf("%-20s %s\n", name.c_str(), value.c_str());
  if (!file.empty()) std::printf("%-20s %s\n", "payment file", file.c_str());
}

absl::StatusOr<ben::AllowanceRun> GetRun(AllowanceStub& stub, const std::string& run_id) {
  ben::GetAllowanceRunRequest request;
  request.set_run_id(run_id);
  return rpc::Call(stub, &AllowanceStub::GetAllowanceRun, request);
}

// allowances run --month=YYYY-MM: starts (or computes again) the month's draft and waits until
// it is computed.
int Run(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("usage: himaya allowances run --month=YYYY-MM");
  const std::string month = absl::GetFlag(FLAGS_month);
  if (month.empty()) return Fail("--month=YYYY-MM is required");
  absl::CivilMonth parsed;
  if (month.size() != 7 || !absl::ParseCivilTime(month, &parsed) || absl::FormatCivilTime(parsed) != month) {
    return Fail("--month: a month written YYYY-MM");
  }
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  AllowanceStub stub(rpc::NewChannel(*address));
  ben::CreateAllowanceRunRequest request;
  request.set_month(month);
  request.set_created_by(AgentName());
  absl::StatusOr<ben::AllowanceRun> run = rpc::Call(stub, &AllowanceStub::CreateAllowanceRun, request);
  if (!run.ok()) return FailCall(run.status());
  const absl::Time deadline = absl::Now() + absl::GetFlag(FLAGS_draft_wait);
  while (!run->complete()) {
    if (absl::Now() > deadline) return Fail(absl::StrCat("the draft of ", month, " is still being computed"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a CLI polling its server
    run = GetRun(stub, run->run_id());
    if (!run.ok()) return FailCall(run.status());
  }
  PrintRun(format, *run);
  return 0;
}

int Show(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya allowances show RUN_ID");
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  AllowanceStub stub(rpc::NewChannel(*address));
  absl::StatusOr<ben::AllowanceRun> run = GetRun(stub, args[1]);
  if (!run.ok()) return FailCall(run.status());
  PrintRun(format, *run);
  return 0;
}

// allowances report RUN_ID [--out=FILE]: the report's CSV to standard output, or to FILE.
int Report(const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya allowances report RUN_ID [--out=FILE]");
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  AllowanceStub stub(rpc::NewChannel(*address));
  ben::GetAllowanceRunRequest request;
  request.set_run_id(args[1]);
  const std::string out = absl::GetFlag(FLAGS_out);
  if (!out.empty() && out != ".") {
    absl::Status written = WriteStreamedCsv<ben::AllowanceCsvChunk>(
        out, [&](grpc::ClientContext* context) { return stub.GetAllowanceReport(context, request); });
    return written.ok() ? 0 : FailCall(written);
  }
  grpc::ClientContext context;
  auto reader = stub.GetAllowanceReport(&context, request);
  ben::AllowanceCsvChunk chunk;
  while (reader->Read(&chunk)) std::fwrite(chunk.csv().data(), 1, chunk.csv().size(), stdout);
  absl::Status status = rpc::FromGrpcStatus(reader->Finish());
  return status.ok() ? 0 : FailCall(status);
}

int Approve(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya allowances approve RUN_ID --agent=ID");
  if (absl::GetFlag(FLAGS_agent).empty()) return Fail("--agent is required");
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  AllowanceStub stub(rpc::NewChannel(*address));
  ben::ApproveAllowanceRunRequest request;
  request.set_run_id(args[1]);
  request.set_agent(absl::GetFlag(FLAGS_agent));
  absl::StatusOr<ben::AllowanceRun> run = rpc::Call(stub, &AllowanceStub::ApproveAllowanceRun, request);
  if (!run.ok()) return FailCall(run.status());
  PrintRun(format, *run);
  return 0;
}

// allowances pay RUN_ID [--out=DIR]: the approved run's payment lines, written to
// DIR/allowances-RUN_ID.csv.
int Pay(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya allowances pay RUN_ID [--out=DIR]");
  const std::string dir = absl::GetFlag(FLAGS_out).empty() ? "." : absl::GetFlag(FLAGS_out);
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return Fail(absl::StrCat("--out: ", dir, " is not a directory"));
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  AllowanceStub stub(rpc::NewChannel(*address));
  ben::PayAllowanceRunRequest request;
  request.set_run_id(args[1]);
  // No deadline: the service writes a page of 1,000 lines per transaction, and a million
  // households take minutes (interrupted, it resumes where it stopped when asked again).
  absl::StatusOr<ben::AllowanceRun> run =
      rpc::Call(stub, &AllowanceStub::PayAllowanceRun, request, absl::InfiniteDuration());
  if (!run.ok()) return FailCall(run.status());
  const std::string path = (std::filesystem::path(dir) / absl::StrCat("allowances-", run->run_id(), ".csv")).string();
  ben::GetAllowanceRunRequest file;
  file.set_run_id(run->run_id());
  absl::Status written = WriteStreamedCsv<ben::AllowanceCsvChunk>(
      path, [&](grpc::ClientContext* context) { return stub.GetAllowancePaymentFile(context, file); });
  if (!written.ok()) return Fail(written);
  PrintRun(format, *run, path);
  return 0;
}

int ConfirmPayment(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya allowances confirm-payment FILE.csv");
  absl::StatusOr<std::string> run_id = RunOfConfirmation(args[1]);
  if (!run_id.ok()) return Fail(run_id.status());
  if (absl::StatusOr<std::string> address = BeneficiaryAddress(); !address.ok()) return Fail(address.status());
  ben::AllowanceConfirmationUpload header;
  header.set_run_id(*run_id);
  absl::StatusOr<ben::AllowanceConfirmationResult> r = UploadFile<AllowanceStub>(
      args[1], header, &AllowanceStub::ImportAllowanceConfirmation, [] { return BeneficiaryAddress(); },
      absl::GetFlag(FLAGS_retry_for), "beneficiary");
  if (!r.ok()) return FailCall(r.status());
  PrintRows(format, {"RUN_ID", "LINES_PAID", "LINES_FAILED", "ALREADY_CONFIRMED", "RUN_PAID"},
            {{r->run_id(), absl::StrCat(r->lines_paid()), absl::StrCat(r->lines_failed()),
              absl::StrCat(r->lines_already_confirmed()), r->run_paid() ? "yes" : "no"}},
            nlohmann::json::array({{{"run_id", r->run_id()},
                                    {"lines_paid", r->lines_paid()},
                                    {"lines_failed", r->lines_failed()},
                                    {"lines_already_confirmed", r->lines_already_confirmed()},
                                    {"run_paid", r->run_paid()}}}));
  return 0;
}

}  // namespace

int Allowances(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  const std::string sub = args.empty() ? "" : args[0];
  if (sub == "run") return Run(*format, args);
  if (sub == "show") return Show(*format, args);
  if (sub == "report") return Report(args);
  if (sub == "approve") return Approve(*format, args);
  if (sub == "pay") return Pay(*format, args);
  if (sub == "confirm-payment") return ConfirmPayment(*format, args);
  return Fail(
      "usage: himaya allowances run --month=YYYY-MM | show RUN_ID | report RUN_ID [--out=FILE] | "
      "approve RUN_ID --agent=ID | pay RUN_ID [--out=DIR] | confirm-payment FILE.csv");
}

}  // namespace himaya::cli
