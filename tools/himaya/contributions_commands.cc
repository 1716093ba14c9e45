// himaya contributions call / import / status: a period's contribution calls, a payment file
// sent with its manifest, and an insured's balance, asked of the contributions service.
#include <cstdio>
#include <fstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "claims_file/dirhams.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "himaya/contributions/v1/contributions.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "output.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(std::string, manifest);
ABSL_DECLARE_FLAG(absl::Duration, retry_for);
ABSL_FLAG(std::string, contributions_address, "",
          "gRPC address of contributions (default: found in the data directory)");
ABSL_FLAG(std::string, period, "", "contributions call: the month called (YYYY-MM)");

namespace himaya::cli {
namespace {

namespace v1 = contributions::v1;
using Stub = v1::ContributionsService::Stub;

constexpr char kUsage[] =
    "usage: himaya contributions call --period=YYYY-MM | import FILE.csv [--manifest=FILE.manifest.json] | "
    "status NUMBER";

absl::StatusOr<std::string> ContributionsAddress() {
  return ServiceAddress("contributions", absl::GetFlag(FLAGS_contributions_address));
}

void PrintJson(const nlohmann::json& json) {
  std::printf("%s\n", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

std::string Mad(int64_t centimes) { return absl::StrCat(claims_file::FormatDirhams(centimes), " MAD"); }

int Call(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 1 || absl::GetFlag(FLAGS_period).empty()) return Fail(kUsage);
  absl::StatusOr<std::string> address = ContributionsAddress();
  if (!address.ok()) return Fail(address.status());
  v1::CallContributionsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  // A long deadline: a period of a million insured takes a while, a page per transaction.
  Stub stub(rpc::NewChannel(*address));
  absl::StatusOr<v1::CallContributionsResult> r = rpc::Call(stub, &Stub::CallContributions, request, absl::Hours(6));
  if (!r.ok()) return FailCall(r.status());
  if (format == OutputFormat::kJson) {
    PrintJson({{"period", r->period()},
               {"insured_called", r->insured_called()},
               {"insured_already_called", r->insured_already_called()},
               {"billed_to_insured_centimes", r->billed_to_insured_centimes()},
               {"billed_to_state_centimes", r->billed_to_state_centimes()},
               {"insured_not_called", r->insured_not_called()}});
    return 0;
  }
  std::printf(
      "period                  %s\ninsured called now      %lld\nalready called          %lld\n"
      "billed to the insured   %s\nbilled to the state     %s\nnot called (category)   %lld\n",
      r->period().c_str(), static_cast<long long>(r->insured_called()),
      static_cast<long long>(r->insured_already_called()), Mad(r->billed_to_insured_centimes()).c_str(),
      Mad(r->billed_to_state_centimes()).c_str(), static_cast<long long>(r->insured_not_called()));
  return 0;
}

// The payment file's manifest: {"file_id": ..., "sha256": ..., "row_count": N}.
absl::StatusOr<v1::PaymentFileManifest> ReadPaymentManifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("manifest ", path, " cannot be read"));
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  const auto bad = [&](absl::string_view what) { return absl::InvalidArgumentError(absl::StrCat(path, ": ", what)); };
  if (json.is_discarded() || !json.is_object()) return bad("not a JSON object");
  v1::PaymentFileManifest manifest;
  if (!json.contains("file_id") || !json.at("file_id").is_string()) return bad("file_id: must be a string");
  if (!json.contains("sha256") || !json.at("sha256").is_string()) return bad("sha256: must be a string");
  if (!json.contains("row_count") || !json.at("row_count").is_number_integer()) {
    return bad("row_count: must be an integer");
  }
  manifest.set_file_id(json.at("file_id").get<std::string>());
  manifest.set_sha256(json.at("sha256").get<std::string>());
  manifest.set_row_count(json.at("row_count").get<int64_t>());
  return manifest;
}

int Import(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail(kUsage);
  const std::string manifest_path =
      absl::GetFlag(FLAGS_manifest).empty() ? DefaultManifestPath(args[1]) : absl::GetFlag(FLAGS_manifest);
  absl::StatusOr<v1::PaymentFileManifest> manifest = ReadPaymentManifest(manifest_path);
  if (!manifest.ok()) return Fail(manifest.status());
  if (absl::StatusOr<std::string> address = ContributionsAddress(); !address.ok()) return Fail(address.status());
  v1::PaymentFileUpload header;
  *header.mutable_manifest() = *manifest;
  absl::StatusOr<v1::PaymentImportResult> r = UploadFile<Stub>(
      args[1], header, &Stub::ImportPayments, [] { return ContributionsAddress(); }, absl::GetFlag(FLAGS_retry_for),
      "contributions");
  if (!r.ok()) return FailCall(r.status());
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::vector<std::string>> table;
  for (const v1::PaymentRowOutcome& o : r->not_applied()) {
    rows.push_back(
        {{"row", o.row()}, {"payment_id", o.payment_id()}, {"outcome", o.outcome()}, {"reason", o.reason()}});
    table.push_back({absl::StrCat(o.row()), o.payment_id(), o.outcome(), o.reason()});
  }
  if (format == OutputFormat::kJson) {
    PrintJson({{"file_id", r->file_id()},
               {"rows", r->rows()},
               {"applied", r->applied()},
               {"unknown_insured", r->unknown_insured()},
               {"duplicate_payment", r->duplicate_payment()},
               {"invalid", r->invalid()},
               {"applied_centimes", r->applied_centimes()},
               {"already_imported", r->already_imported()},
               {"not_applied", rows}});
    return 0;
  }
  std::printf(
      "file               %s%s\nrows               %lld\napplied            %lld (%s)\nunknown insured    %lld\n"
      "duplicate payment  %lld\ninvalid            %lld\n",
      r->file_id().c_str(), r->already_imported() ? " (imported before: its first result)" : "",
      static_cast<long long>(r->rows()), static_cast<long long>(r->applied()), Mad(r->applied_centimes()).c_str(),
      static_cast<long long>(r->unknown_insured()), static_cast<long long>(r->duplicate_payment()),
      static_cast<long long>(r->invalid()));
  if (!table.empty()) {
    std::printf("\n");
    PrintRows(format, {"ROW", "PAYMENT_ID", "OUTCOME", "REASON"}, table, rows);
  }
  return 0;
}

int Status(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail(kUsage);
  absl::StatusOr<std::string> address = ContributionsAddress();
  if (!address.ok()) return Fail(address.status());
  v1::GetContributionStatusRequest request;
  request.set_registration_number(args[1]);
  absl::StatusOr<v1::ContributionStatus> s = rpc::Call(*address, &Stub::GetContributionStatus, request);
  if (!s.ok()) return FailCall(s.status());
  nlohmann::json calls = nlohmann::json::array();
  std::vector<std::vector<std::string>> table;
  for (const v1::ContributionCall& c : s->calls()) {
    calls.push_back({{"program", c.program()},
                     {"period", c.period()},
                     {"payer", c.payer()},
                     {"due_date", c.due_date()},
                     {"amount_centimes", c.amount_centimes()},
                     {"paid_centimes", c.paid_centimes()}});
    table.push_back({c.period(), c.program(), c.payer(), c.due_date(), claims_file::FormatDirhams(c.amount_centimes()),
                     claims_file::FormatDirhams(c.paid_centimes())});
  }
  nlohmann::json suspensions = nlohmann::json::array();
  for (const v1::Suspension& x : s->suspensions()) {
    suspensions.push_back({{"program", x.program()}, {"from_date", x.from_date()}});
  }
  if (format == OutputFormat::kJson) {
    PrintJson({{"registration_number", s->registration_number()},
               {"calls", calls},
               {"balance_centimes", s->balance_centimes()},
               {"arrears_centimes", s->arrears_centimes()},
               {"suspensions", suspensions}});
    return 0;
  }
  PrintRows(format, {"PERIOD", "PROGRAM", "PAYER", "DUE", "AMOUNT", "PAID"}, table, calls);
  std::printf("\nbalance   %s\narrears   %s\n", Mad(s->balance_centimes()).c_str(), Mad(s->arrears_centimes()).c_str());
  for (const v1::Suspension& x : s->suspensions()) {
    std::printf("suspended %s from %s\n", x.program().c_str(), x.from_date().c_str());
  }
  return 0;
}

}  // namespace

int Contributions(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (args.empty()) return Fail(kUsage);
  if (args[0] == "call") return Call(*format, args);
  if (args[0] == "import") return Import(*format, args);
  if (args[0] == "status") return Status(*format, args);
  return Fail(kUsage);
}

}  // namespace himaya::cli
