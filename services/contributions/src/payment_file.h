// A payment file as it streams in: the CSV `payment_id,registration_number,amount_centimes,
// paid_on` (columns in any order, names case-insensitive), checked against its manifest (count
// and sha256, liaison::ManifestedCsv) and read row by row. A bad row does not refuse the file:
// it is INVALID with its reason; a payment_id given twice in the file is DUPLICATE_PAYMENT from
// its second row. Whether the insured exists and whether another file paid the same payment
// is for the imports (payment_imports.h). Bounded: kMaxPaymentRows rows, kMaxPaymentFileBytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "liaison/manifested_csv.h"

namespace himaya::contributions {

inline constexpr int64_t kMaxPaymentRows = 200'000;
inline constexpr int64_t kMaxPaymentFileBytes = 32 * 1024 * 1024;
inline constexpr int64_t kMaxPaymentCentimes = 10'000'000'000;  // 100 000 000 dirhams
inline constexpr size_t kMaxPaymentIdBytes = 64;

// The file's manifest, as the upload gives it.
struct PaymentManifest {
  std::string file_id;
  std::string sha256;
  int64_t row_count = 0;
};

// OK for a file id of 1 to 64 of A-Z a-z 0-9 - _ . , a sha256 of 64 hexadecimal digits, and a
// row count from 1 to kMaxPaymentRows; otherwise INVALID_ARGUMENT naming the field.
absl::Status CheckPaymentManifest(const PaymentManifest& manifest);

enum class RowOutcome { kApplied, kUnknownInsured, kDuplicatePayment, kInvalid };
// "APPLIED", "UNKNOWN_INSURED", "DUPLICATE_PAYMENT", "INVALID".
absl::string_view RowOutcomeName(RowOutcome outcome);

struct PaymentRow {
  // From 1 after the header.
  int64_t row = 0;
  std::string payment_id;
  std::string registration_number;
  int64_t amount_centimes = 0;
  absl::CivilDay paid_on;
  // kApplied while nothing is wrong with the row itself.
  RowOutcome outcome = RowOutcome::kApplied;
  // For INVALID: "<column>: <why>".
  std::string reason;
};

// Reads one row's fields. The outcome is INVALID, with the first column at fault, for a
// payment_id empty, longer than 64 bytes or not printable ASCII; a registration number that is
// not one; an amount that is not a whole number of centimes from 1 to kMaxPaymentCentimes; a
// paid_on that is not a day YYYY-MM-DD.
PaymentRow ReadPaymentRow(int64_t row, absl::string_view payment_id, absl::string_view registration_number,
                          absl::string_view amount_centimes, absl::string_view paid_on);

class PaymentFileReader {
 public:
  // INVALID_ARGUMENT as CheckPaymentManifest.
  static absl::StatusOr<std::unique_ptr<PaymentFileReader>> Open(const PaymentManifest& manifest);
  PaymentFileReader(const PaymentFileReader&) = delete;
  PaymentFileReader& operator=(const PaymentFileReader&) = delete;

  // Reads `bytes`. INVALID_ARGUMENT for a bad header, malformed CSV, more rows or bytes than
  // allowed or announced.
  absl::Status Feed(absl::string_view bytes);
  // Ends the file and returns its rows in order. INVALID_ARGUMENT when its count or sha256 are
  // not the manifest's, or it is empty.
  absl::StatusOr<std::vector<PaymentRow>> Finish();

 private:
  explicit PaymentFileReader(const PaymentManifest& manifest);
  absl::Status OnRow(int64_t row, const std::vector<std::string>& fields);

  std::unique_ptr<liaison::ManifestedCsv> csv_;
  std::vector<PaymentRow> rows_;
  absl::flat_hash_set<std::string> payment_ids_;
  int64_t bytes_ = 0;
};

}  // namespace himaya::contributions
