// The bulk claims file (docs/claims-file.md): one CSV row per item, the items of a file sharing
// its claim_id, with the liaison manifest (libs/liaison: count, sha256). This reads one row's
// fields into an item as filed, and holds the checks of each field (SubmitClaim makes the same);
// a row that cannot be read still becomes an item, marked with the field at fault, so that every
// row ends with an outcome. Shared by the claims service, the generator and the CLI.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace himaya::claims_file {

// An item as filed (a bulk row or an item of SubmitClaim), once its fields are read.
struct FiledItem {
  int item = 0;  // from 1, the file's order
  std::string beneficiary_id;
  absl::CivilDay care_date;
  std::string act_code;
  int quantity = 0;
  int64_t amount_paid_centimes = 0;
  std::string ald_certificate;  // empty if none
  // Set when the row could not be read: the field at fault (the item is INVALID_ROW).
  std::string invalid_field;
};

// The file's columns, in the order the contract lists them (ald_certificate optional).
const std::vector<std::string>& ClaimsFileRequiredColumns();  // without ald_certificate
inline constexpr char kAldCertificateColumn[] = "ald_certificate";

// The contract's limits (docs/claims-file.md).
inline constexpr size_t kMaxClaimIdLength = 32;
inline constexpr size_t kMaxActCodeLength = 16;
inline constexpr size_t kMaxAldCertificateLength = 32;
inline constexpr int kMaxQuantity = 999;
inline constexpr int kMaxItemsPerClaim = 50;

// The checks of one field, shared by ReadClaimRow and SubmitClaim. Each returns OK or
// INVALID_ARGUMENT "<field>: <what it must be>", never quoting the value.
// claim_id: 1 to 32 of [A-Za-z0-9-].
absl::Status CheckClaimId(absl::string_view claim_id);
// beneficiary_id: the insured's registration number itself, or NUMBER-NN with NN 01 to 99 and
// NUMBER the insured's. `registration_number` is assumed valid (identity::CheckRegistrationNumber).
absl::Status CheckBeneficiaryOf(absl::string_view registration_number, absl::string_view beneficiary_id);
// A day written YYYY-MM-DD (a real day, zero-padded); `field` names it in the error.
absl::StatusOr<absl::CivilDay> ParseClaimDay(absl::string_view field, absl::string_view text);
// act_code: trimmed of spaces and upper-cased, then 1 to 16 of [A-Z0-9.-]. Returns the code so
// written (the form the tariff holds).
absl::StatusOr<std::string> NormalizeActCode(absl::string_view act_code);
// quantity: 1 to 999.
absl::Status CheckQuantity(int64_t quantity);
// amount_paid in centimes: more than 0, at most 10^12 (ParseDirhams' bound).
absl::Status CheckAmountPaid(int64_t centimes);
// ald_certificate: empty (none), or 1 to 32 printable ASCII characters (no space at either end).
absl::Status CheckAldCertificate(absl::string_view certificate);

// filed_date: not after the day the fund received the file (in the fund's zone), for a file
// submitted alone (today) and for a bulk file (the batch's day of receipt) alike.
absl::Status CheckFiledBy(absl::CivilDay filed_date, absl::CivilDay received_day);

// Every field of an item already typed (SubmitClaim's), in the contract's order, for the file of
// `registration_number` filed on `filed_date`: beneficiary, care date (not after filed_date),
// act code (written as NormalizeActCode returns it), quantity, amount, certificate. The first
// error, as the checks above give it.
absl::Status CheckFiledItem(absl::string_view registration_number, absl::CivilDay filed_date, const FiledItem& item);

struct ClaimRow {
  int64_t row = 0;  // the row's place in the data file, from 1 after the header
  std::string claim_id;
  std::string registration_number;
  absl::CivilDay filed_date;
  FiledItem item;  // item.invalid_field set when a field could not be read
};

// Reads a row by column name through `get` (the value of a column, "" when absent). Never
// fails: a bad field is named in item.invalid_field (the first one, in the contract's order:
// care_date is the one at fault when it is after a valid filed_date); claim_id and
// registration_number are kept as written (bounded: at most 64 bytes) even then, so the report
// can name the file. item.item is left 0: the intake numbers the items of a file in its order.
// The act code is kept normalised (NormalizeActCode).
ClaimRow ReadClaimRow(int64_t row, const std::function<const std::string&(const std::string& column)>& get);

}  // namespace himaya::claims_file
