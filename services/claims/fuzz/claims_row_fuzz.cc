// Fuzzes a bulk claims file's row: the input is split at NUL bytes into the nine columns, in the
// contract's order (claim_id ... ald_certificate). ReadClaimRow never fails; a row it reads
// without a fault passes every field check SubmitClaim makes (CheckFiledItem), a faulty one
// names a column; the amount read back through FormatDirhams is the same; and the item decided
// by the shipped rules, against a tariff act drawn from the amount, stays within what was paid.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "claims/src/claim_rules.h"
#include "claims_file/claim_row.h"
#include "claims_file/dirhams.h"
#include "identity/registration_number.h"

namespace {

using namespace himaya::claims;

void Check(bool condition) {
  if (!condition) std::abort();
}

const std::vector<std::string>& Columns() {
  static const auto* const columns = [] {
    auto* c = new std::vector<std::string>(himaya::claims_file::ClaimsFileRequiredColumns());
    c->push_back(himaya::claims_file::kAldCertificateColumn);
    return c;
  }();
  return *columns;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = absl::StrSplit(input, absl::MaxSplits('\0', 8));
  parts.resize(Columns().size());
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i < parts.size(); ++i) fields[Columns()[i]] = parts[i];
  static const std::string kEmpty;
  const himaya::claims_file::ClaimRow row =
      himaya::claims_file::ReadClaimRow(1, [&](const std::string& column) -> const std::string& {
        auto it = fields.find(column);
        return it == fields.end() ? kEmpty : it->second;
      });
  Check(row.row == 1 && row.claim_id.size() <= 64 && row.registration_number.size() <= 64);

  absl::StatusOr<int64_t> amount = himaya::claims_file::ParseDirhams(fields["amount_paid"]);
  if (amount.ok()) {
    absl::StatusOr<int64_t> back = himaya::claims_file::ParseDirhams(himaya::claims_file::FormatDirhams(*amount));
    Check(back.ok() && *back == *amount);
  }

  const FiledItem& item = row.item;
  if (!item.invalid_field.empty()) {
    bool known = false;
    for (const std::string& column : Columns()) known = known || column == item.invalid_field;
    Check(known);
  } else {
    Check(himaya::claims_file::CheckClaimId(row.claim_id).ok());
    Check(himaya::identity::IsValidRegistrationNumber(row.registration_number));
    Check(himaya::claims_file::CheckFiledItem(row.registration_number, row.filed_date, item).ok());
  }

  // Decided against an act whose amount and limits come from the amount paid.
  TariffAct act;
  act.act_code = item.act_code;
  act.category = "CONSULTATION";
  act.tnr_centimes = 1 + (item.amount_paid_centimes % 100000);
  act.max_quantity = 1 + static_cast<int>(item.amount_paid_centimes % 999);
  act.min_days_between = static_cast<int>(item.amount_paid_centimes % 3651);
  ItemFacts facts;
  facts.covered = true;
  facts.covered_through = row.registration_number;
  facts.act_known = true;
  facts.act = act;
  facts.ald_valid = !item.ald_certificate.empty();
  const FileDecision file =
      ClaimRules::Shipped().Decide(row.claim_id, row.registration_number, row.filed_date, "amo-tns", {item}, {facts});
  Check(file.items.size() == 1);
  const ItemDecision& decision = file.items[0];
  Check(decision.accepted == decision.reason.empty());
  if (!item.invalid_field.empty()) Check(!decision.accepted && decision.reason == kInvalidRow);
  Check(decision.reimbursed_centimes >= 0 && decision.reimbursed_centimes <= item.amount_paid_centimes);
  Check(file.reimbursed_centimes == decision.reimbursed_centimes);
  Check((file.outcome == Outcome::kAccepted) == decision.accepted);
  return 0;
}
