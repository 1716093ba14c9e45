// Payment files, their rows' outcomes and the payments applied, in the service's database
// (their SQL lives here, and only here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "contributions/src/payment_file.h"
#include "storage/database.h"

namespace himaya::contributions {

// What an import answers.
struct ImportResult {
  std::string file_id;
  int64_t rows = 0;
  int64_t applied = 0;
  int64_t unknown_insured = 0;
  int64_t duplicate_payment = 0;
  int64_t invalid = 0;
  int64_t applied_centimes = 0;
  bool already_imported = false;
  // The rows not applied, in order (at most kMaxRowsListed).
  std::vector<PaymentRow> not_applied;
};
inline constexpr int kMaxRowsListed = 1000;

struct ImportedFile {
  std::string sha256;
  ImportResult result;
};

struct Payment {
  std::string payment_id;
  std::string registration_number;
  int64_t amount_centimes = 0;
  int64_t unapplied_centimes = 0;
  absl::CivilDay paid_on;
  std::string file_id;
  int64_t row = 0;
  absl::Time applied_at;
};

class PaymentStore {
 public:
  // The file imported with this id, with its result and its first kMaxRowsListed rows not
  // applied; nothing when none was.
  static absl::StatusOr<std::optional<ImportedFile>> FindFile(storage::Transaction& tx, absl::string_view file_id);
  // Records that an import of `file_id` with these bytes began, unless one had: returns the
  // sha256 of the first to begin.
  static absl::StatusOr<std::string> BeginFile(storage::Transaction& tx, absl::string_view file_id,
                                               absl::string_view sha256, absl::Time at);
  // Records a file's result. ALREADY_EXISTS when a file of that id was recorded.
  static absl::Status InsertFile(storage::Transaction& tx, absl::string_view sha256, const ImportResult& result,
                                 absl::Time imported_at);
  // Records rows' outcomes (a row recorded already is kept as it is).
  static absl::Status InsertRows(storage::Transaction& tx, absl::string_view file_id,
                                 const std::vector<PaymentRow>& rows);
  static absl::StatusOr<std::optional<Payment>> FindPayment(storage::Transaction& tx, absl::string_view payment_id);
  static absl::Status InsertPayment(storage::Transaction& tx, const Payment& payment);
  // The payments with credit left of the insured numbered in [first, last], by insured then
  // oldest first (value date, then when applied), held until the end of the transaction.
  static absl::StatusOr<std::vector<Payment>> WithCreditForUpdate(storage::Transaction& tx, absl::string_view first,
                                                                  absl::string_view last);
  // Sets what a payment keeps as credit.
  static absl::Status SetUnapplied(storage::Transaction& tx, absl::string_view payment_id, int64_t unapplied_centimes);
  // The insured's payments not wholly applied to calls, summed.
  static absl::StatusOr<int64_t> Credit(storage::Transaction& tx, absl::string_view registration_number);
};

}  // namespace himaya::contributions
