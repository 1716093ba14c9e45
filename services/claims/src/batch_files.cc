#include "claims/src/batch_files.h"

#include "absl/strings/str_cat.h"
#include "claims_file/claim_row.h"

namespace himaya::claims {
namespace {

// A column's place in the contract's order; a row whose fault comes earlier keeps it.
int PlaceOf(const std::string& field) {
  static const char* const kOrder[] = {
      "row",      "claim_id", "registration_number", "beneficiary_id", "care_date", "filed_date",
      "act_code", "quantity", "amount_paid",         "ald_certificate"};
  int place = 0;
  for (const char* column : kOrder) {
    if (field == column) return place;
    ++place;
  }
  return place;  // none
}

void Fault(FiledItem& item, const char* field) {
  if (PlaceOf(field) < PlaceOf(item.invalid_field)) item.invalid_field = field;
}

}  // namespace

std::string BatchChannel(const std::string& sender, const std::string& batch_id) {
  return absl::StrCat("BATCH:", sender, "/", batch_id);
}

BatchFile FileOfRows(const std::vector<StagedClaimRow>& rows, const BatchReceipt& receipt) {
  BatchFile file;
  const StagedClaimRow& first = rows.front();
  Claim& c = file.claim;
  c.claim_id = first.claim_id;
  c.registration_number = first.registration_number;
  c.channel = BatchChannel(receipt.sender, receipt.batch_id);
  c.sender = receipt.sender;
  c.batch_id = receipt.batch_id;
  c.filed_date = first.filed_date;
  c.state = kClaimReceived;
  c.received_at = receipt.received_at;
  c.due_date = receipt.due_date;
  const bool filed_date_valid =
      first.filed_date_valid && claims_file::CheckFiledBy(first.filed_date, receipt.received_day).ok();
  for (const StagedClaimRow& row : rows) {
    if (c.items.size() == static_cast<size_t>(claims_file::kMaxItemsPerClaim)) {
      file.rows_beyond_limit.push_back(row.row_number);
      continue;
    }
    ClaimItemRecord item;
    item.filed = row.item;
    item.filed.item = static_cast<int>(c.items.size()) + 1;
    item.row_number = row.row_number;
    if (!first.registration_valid || row.registration_number != first.registration_number) {
      Fault(item.filed, "registration_number");
    }
    if (!filed_date_valid || row.filed_date != first.filed_date) Fault(item.filed, "filed_date");
    c.items.push_back(std::move(item));
  }
  c.claimed_centimes = ClaimedCentimes(c.items);
  return file;
}

}  // namespace himaya::claims
