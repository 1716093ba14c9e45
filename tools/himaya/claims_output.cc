#include "claims_output.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "claims_file/dirhams.h"
#include "connection.h"
#include "google/protobuf/util/time_util.h"
#include "uploads.h"

ABSL_FLAG(std::string, claims_address, "", "gRPC address of claims (default: found in the data directory)");

namespace himaya::cli {
namespace {

namespace v1 = claims::v1;

// RFC 3339, "" when the time is not set (it has not happened yet).
std::string Time(bool has, const google::protobuf::Timestamp& t) {
  return has ? google::protobuf::util::TimeUtil::ToString(t) : "";
}

// The reason code and what more the service says of it: "NOT_COVERED (AGE_LIMIT)".
std::string Reason(const std::string& reason, const std::string& detail) {
  if (detail.empty()) return reason;
  return absl::StrCat(reason, " (", detail, ")");
}

std::string Decision(const v1::Claim& c) {
  return c.outcome().empty() ? c.state() : absl::StrCat(c.state(), " ", c.outcome());
}

}  // namespace

absl::StatusOr<std::string> ClaimsAddress() { return ServiceAddress("claims", absl::GetFlag(FLAGS_claims_address)); }

absl::StatusOr<v1::ClaimBatchUpload> ReadClaimBatchHeader(const std::string& manifest_path) {
  absl::StatusOr<liaison::Manifest> read = ReadManifestFile(manifest_path);
  if (!read.ok()) return read.status();
  v1::ClaimBatchUpload header;
  v1::Manifest& manifest = *header.mutable_manifest();
  manifest.set_batch_id(read->batch_id);
  manifest.set_liaison_body(read->liaison_body);
  manifest.set_record_count(read->record_count);
  manifest.set_sha256(read->sha256);
  manifest.set_produced_at(read->produced_at);
  return header;
}

nlohmann::json ClaimJson(const v1::Claim& c, bool with_items) {
  nlohmann::json json = {{"claim_id", c.claim_id()},
                         {"registration_number", c.registration_number()},
                         {"program", c.program()},
                         {"channel", c.channel()},
                         {"filed_date", c.filed_date()},
                         {"state", c.state()},
                         {"outcome", c.outcome()},
                         {"claimed_centimes", c.claimed_centimes()},
                         {"reimbursed_centimes", c.reimbursed_centimes()},
                         {"received_at", Time(c.has_received_at(), c.received_at())},
                         {"due_date", c.due_date()},
                         {"decided_at", Time(c.has_decided_at(), c.decided_at())},
                         {"paid_at", Time(c.has_paid_at(), c.paid_at())},
                         {"review_reason", c.review_reason()},
                         {"reviewed_by", c.reviewed_by()},
                         {"escalated", c.escalated()},
                         {"payment_run_id", c.payment_run_id()}};
  if (!with_items) return json;
  json["items"] = nlohmann::json::array();
  for (const v1::ClaimItem& i : c.items()) {
    json["items"].push_back({{"item", i.item()},
                             {"beneficiary_id", i.beneficiary_id()},
                             {"care_date", i.care_date()},
                             {"act_code", i.act_code()},
                             {"quantity", i.quantity()},
                             {"amount_paid_centimes", i.amount_paid_centimes()},
                             {"ald_certificate", i.ald_certificate()},
                             {"outcome", i.outcome()},
                             {"reason", i.reason()},
                             {"reason_detail", i.reason_detail()},
                             {"tnr_amount_centimes", i.tnr_amount_centimes()},
                             {"rate_percent", i.rate_percent()},
                             {"reimbursed_centimes", i.reimbursed_centimes()}});
  }
  return json;
}

void PrintClaims(OutputFormat format, const std::vector<v1::Claim>& claims, const std::string& empty) {
  nlohmann::json json = {{"claims", nlohmann::json::array()}};
  std::vector<std::vector<std::string>> rows;
  for (const v1::Claim& c : claims) {
    json["claims"].push_back(ClaimJson(c, false));
    std::string review = c.review_reason();
    if (!c.reviewed_by().empty()) absl::StrAppend(&review, " by ", c.reviewed_by());
    if (c.escalated()) absl::StrAppend(&review, " ESCALATED");
    rows.push_back({c.claim_id(), c.registration_number(), Decision(c), c.filed_date(),
                    Time(c.has_received_at(), c.received_at()), c.due_date(),
                    claims_file::FormatDirhams(c.claimed_centimes()),
                    claims_file::FormatDirhams(c.reimbursed_centimes()), review});
  }
  if (format == OutputFormat::kTable && rows.empty()) {
    std::printf("%s\n", empty.c_str());
    return;
  }
  PrintRows(
      format,
      {"CLAIM_ID", "REGISTRATION_NUMBER", "STATE", "FILED", "RECEIVED", "DUE", "CLAIMED_DH", "REIMBURSED_DH", "REVIEW"},
      rows, json);
}

void PrintClaim(OutputFormat format, const v1::Claim& c) {
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", ClaimJson(c, true).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  std::printf("claim       %s (%s)\n", c.claim_id().c_str(), c.channel().c_str());
  std::printf("insured     %s%s\n", c.registration_number().c_str(),
              c.program().empty() ? "" : absl::StrCat(" (", c.program(), ")").c_str());
  std::printf("state       %s\n", Decision(c).c_str());
  std::printf("filed       %s, received %s, due %s\n", c.filed_date().c_str(),
              Time(c.has_received_at(), c.received_at()).c_str(), c.due_date().c_str());
  std::printf("amounts     claimed %s DH, reimbursed %s DH\n", claims_file::FormatDirhams(c.claimed_centimes()).c_str(),
              claims_file::FormatDirhams(c.reimbursed_centimes()).c_str());
  if (c.has_decided_at()) std::printf("decided     %s\n", Time(true, c.decided_at()).c_str());
  if (!c.review_reason().empty()) {
    std::printf("review      %s%s%s\n", c.review_reason().c_str(),
                c.reviewed_by().empty() ? ", waiting for an agent" : absl::StrCat(", by ", c.reviewed_by()).c_str(),
                c.escalated() ? " (escalated)" : "");
  }
  if (!c.payment_run_id().empty()) {
    std::printf("payment     run %s%s\n", c.payment_run_id().c_str(),
                c.has_paid_at() ? absl::StrCat(", paid ", Time(true, c.paid_at())).c_str() : "");
  }
  std::printf("\n");
  std::vector<std::vector<std::string>> rows;
  for (const v1::ClaimItem& i : c.items()) {
    rows.push_back({absl::StrCat(i.item()), i.beneficiary_id(), i.care_date(), i.act_code(), absl::StrCat(i.quantity()),
                    claims_file::FormatDirhams(i.amount_paid_centimes()), i.ald_certificate(),
                    i.outcome().empty() ? "PENDING" : i.outcome(), Reason(i.reason(), i.reason_detail()),
                    i.outcome().empty() ? "" : claims_file::FormatDirhams(i.tnr_amount_centimes()),
                    i.outcome().empty() ? "" : absl::StrCat(i.rate_percent(), "%"),
                    claims_file::FormatDirhams(i.reimbursed_centimes())});
  }
  PrintRows(format,
            {"ITEM", "BENEFICIARY_ID", "CARE_DATE", "ACT", "QTY", "PAID_DH", "ALD", "OUTCOME", "REASON", "TNR_DH",
             "RATE", "REIMBURSED_DH"},
            rows, nullptr);
}

}  // namespace himaya::cli
