#include "contributions/src/payment_file.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "contributions/src/contribution_rules.h"
#include "identity/registration_number.h"

namespace himaya::contributions {
namespace {

const std::vector<std::string>& Columns() {
  static const auto* const columns =
      new std::vector<std::string>{"payment_id", "registration_number", "amount_centimes", "paid_on"};
  return *columns;
}

bool IsFileIdChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'; }

PaymentRow Invalid(PaymentRow row, absl::string_view reason) {
  row.outcome = RowOutcome::kInvalid;
  row.reason = std::string(reason);
  return row;
}

}  // namespace

absl::Status CheckPaymentManifest(const PaymentManifest& m) {
  if (m.file_id.empty() || m.file_id.size() > 64 || !std::all_of(m.file_id.begin(), m.file_id.end(), IsFileIdChar)) {
    return absl::InvalidArgumentError("file_id: must be 1 to 64 of A-Z a-z 0-9 - _ .");
  }
  if (m.sha256.size() != 64 || !std::all_of(m.sha256.begin(), m.sha256.end(), absl::ascii_isxdigit)) {
    return absl::InvalidArgumentError("sha256: must be 64 hexadecimal digits");
  }
  if (m.row_count < 1 || m.row_count > kMaxPaymentRows) {
    return absl::InvalidArgumentError(absl::StrCat("row_count: must be from 1 to ", kMaxPaymentRows));
  }
  return absl::OkStatus();
}

absl::string_view RowOutcomeName(RowOutcome outcome) {
  switch (outcome) {
    case RowOutcome::kApplied:
      return "APPLIED";
    case RowOutcome::kUnknownInsured:
      return "UNKNOWN_INSURED";
    case RowOutcome::kDuplicatePayment:
      return "DUPLICATE_PAYMENT";
    case RowOutcome::kInvalid:
      return "INVALID";
  }
  return "INVALID";
}

PaymentRow ReadPaymentRow(int64_t row, absl::string_view payment_id, absl::string_view registration_number,
                          absl::string_view amount_centimes, absl::string_view paid_on) {
  PaymentRow out;
  out.row = row;
  const bool printable = std::all_of(payment_id.begin(), payment_id.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (payment_id.empty() || payment_id.size() > kMaxPaymentIdBytes || !printable) {
    return Invalid(out, "payment_id: must be 1 to 64 printable characters without spaces");
  }
  out.payment_id = std::string(payment_id);
  if (!identity::IsValidRegistrationNumber(registration_number)) {
    return Invalid(out, "registration_number: must be 9 digits with a valid check digit");
  }
  out.registration_number = std::string(registration_number);
  int64_t amount = 0;
  const bool digits = !amount_centimes.empty() && amount_centimes.size() <= 11 &&
                      std::all_of(amount_centimes.begin(), amount_centimes.end(), absl::ascii_isdigit);
  if (!digits || !absl::SimpleAtoi(amount_centimes, &amount) || amount < 1 || amount > kMaxPaymentCentimes) {
    return Invalid(out,
                   absl::StrCat("amount_centimes: must be a whole number of centimes from 1 to ", kMaxPaymentCentimes));
  }
  out.amount_centimes = amount;
  std::optional<absl::CivilDay> day = ParseDay(paid_on);
  if (!day) return Invalid(out, "paid_on: must be a day written YYYY-MM-DD");
  out.paid_on = *day;
  return out;
}

absl::StatusOr<std::unique_ptr<PaymentFileReader>> PaymentFileReader::Open(const PaymentManifest& manifest) {
  if (absl::Status s = CheckPaymentManifest(manifest); !s.ok()) return s;
  return std::unique_ptr<PaymentFileReader>(new PaymentFileReader(manifest));
}

PaymentFileReader::PaymentFileReader(const PaymentManifest& manifest)
    : csv_(std::make_unique<liaison::ManifestedCsv>(
          manifest.row_count, absl::AsciiStrToLower(manifest.sha256), Columns(),
          [this](int64_t row, const std::vector<std::string>& fields) { return OnRow(row, fields); })) {}

absl::Status PaymentFileReader::OnRow(int64_t row, const std::vector<std::string>& fields) {
  if (fields.size() != csv_->header_size()) {
    rows_.push_back(Invalid(PaymentRow{row}, "row: not as many fields as the header"));
    return absl::OkStatus();
  }
  if (csv_->RowTooLong() || !csv_->TooLongColumns().empty()) {
    rows_.push_back(Invalid(PaymentRow{row}, "row: a field longer than the limit"));
    return absl::OkStatus();
  }
  PaymentRow read = ReadPaymentRow(row, csv_->Get(fields, "payment_id"), csv_->Get(fields, "registration_number"),
                                   csv_->Get(fields, "amount_centimes"), csv_->Get(fields, "paid_on"));
  if (read.outcome == RowOutcome::kApplied && !payment_ids_.insert(read.payment_id).second) {
    read.outcome = RowOutcome::kDuplicatePayment;
    read.reason = "payment_id: given in an earlier row of the file";
  }
  rows_.push_back(std::move(read));
  return absl::OkStatus();
}

absl::Status PaymentFileReader::Feed(absl::string_view bytes) {
  bytes_ += static_cast<int64_t>(bytes.size());
  if (bytes_ > kMaxPaymentFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat("file: larger than ", kMaxPaymentFileBytes, " bytes"));
  }
  return csv_->Feed(bytes);
}

absl::StatusOr<std::vector<PaymentRow>> PaymentFileReader::Finish() {
  if (absl::Status s = csv_->Finish(); !s.ok()) return s;
  return std::move(rows_);
}

}  // namespace himaya::contributions
