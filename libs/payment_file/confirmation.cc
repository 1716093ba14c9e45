#include "payment_file/confirmation.h"

#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/utf8.h"

namespace himaya::payment_file {
namespace {

constexpr std::array<absl::string_view, 5> kColumns = {"run_id", "line", "registration_number", "status", "reason"};
enum Column { kRunId, kLine, kRegistrationNumber, kStatus, kReason };
constexpr size_t kMaxRegistrationNumberBytes = 32;

}  // namespace

absl::string_view LineStatusName(LineStatus status) {
  switch (status) {
    case LineStatus::kPending:
      return "PENDING";
    case LineStatus::kPaid:
      return "PAID";
    case LineStatus::kFailed:
      return "FAILED";
  }
  return "PENDING";
}

std::optional<LineStatus> LineStatusNamed(absl::string_view name) {
  for (LineStatus s : {LineStatus::kPending, LineStatus::kPaid, LineStatus::kFailed}) {
    if (name == LineStatusName(s)) return s;
  }
  return std::nullopt;
}

PaymentConfirmationReader::PaymentConfirmationReader(std::string run_id, Limits limits)
    : run_id_(std::move(run_id)),
      limits_(limits),
      csv_(std::make_unique<liaison::CsvStream>([this](std::vector<std::string>& f) { return OnRecord(f); })) {}

absl::Status PaymentConfirmationReader::ReadHeader(const std::vector<std::string>& fields) {
  columns_.assign(kColumns.size(), fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    size_t c = 0;
    while (c < kColumns.size() && kColumns[c] != fields[i]) ++c;
    if (c == kColumns.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "header: unknown column ", i + 1, " (the columns are run_id,line,registration_number,status,reason)"));
    }
    if (columns_[c] != fields.size()) {
      return absl::InvalidArgumentError(absl::StrCat("header: column ", kColumns[c], " is named twice"));
    }
    columns_[c] = i;
  }
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (columns_[c] == fields.size())
      return absl::InvalidArgumentError(absl::StrCat("header: no column ", kColumns[c]));
  }
  return absl::OkStatus();
}

absl::Status PaymentConfirmationReader::OnRecord(std::vector<std::string>& fields) {
  if (columns_.empty()) return ReadHeader(fields);
  const int64_t record = csv_->records() - 1;
  if (record > limits_.max_lines) {
    return absl::InvalidArgumentError(absl::StrCat("record ", record, ": more than ", limits_.max_lines, " lines"));
  }
  if (fields.size() != kColumns.size() || csv_->RecordTooLong()) {
    return absl::InvalidArgumentError(
        absl::StrCat("record ", record, ": ", fields.size(), " fields, the header has ", kColumns.size()));
  }
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (csv_->FieldTooLong(columns_[c])) {
      return absl::InvalidArgumentError(absl::StrCat("record ", record, ": ", kColumns[c], " is too long"));
    }
  }
  auto field = [&](Column c) -> std::string& { return fields[columns_[c]]; };
  ConfirmedLine out;
  out.record = record;
  if (!absl::SimpleAtoi(field(kLine), &out.line) || out.line < 1 || field(kLine).front() == '+') {
    return absl::InvalidArgumentError(absl::StrCat("record ", record, ": line is not a line number"));
  }
  const std::string at = absl::StrCat("line ", out.line, " (record ", record, "): ");
  if (field(kRunId) != run_id_) {
    return absl::InvalidArgumentError(absl::StrCat(at, "run_id is not the run being confirmed"));
  }
  if (!seen_.insert(out.line).second) return absl::InvalidArgumentError(absl::StrCat(at, "the line is given twice"));
  out.registration_number = std::move(field(kRegistrationNumber));
  if (out.registration_number.empty() || out.registration_number.size() > kMaxRegistrationNumberBytes) {
    return absl::InvalidArgumentError(absl::StrCat(at, "registration_number is empty or too long"));
  }
  std::optional<LineStatus> status = LineStatusNamed(field(kStatus));
  if (!status || *status == LineStatus::kPending) {
    return absl::InvalidArgumentError(absl::StrCat(at, "status must be PAID or FAILED"));
  }
  out.status = *status;
  out.reason = std::move(field(kReason));
  if (out.reason.size() > kMaxConfirmationReasonBytes || !core::IsValidUtf8(out.reason)) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, "reason is not UTF-8 text of at most ", kMaxConfirmationReasonBytes, " bytes"));
  }
  if (out.status == LineStatus::kFailed && out.reason.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(at, "a FAILED line needs the bank's reason"));
  }
  lines_.push_back(std::move(out));
  return absl::OkStatus();
}

absl::Status PaymentConfirmationReader::Feed(absl::string_view bytes) {
  if (!error_.ok()) return error_;
  bytes_ += static_cast<int64_t>(bytes.size());
  if (bytes_ > limits_.max_bytes) {
    error_ = absl::InvalidArgumentError(absl::StrCat("the file is larger than ", limits_.max_bytes, " bytes"));
  } else {
    error_ = csv_->Feed(bytes);
  }
  return error_;
}

absl::StatusOr<std::vector<ConfirmedLine>> PaymentConfirmationReader::Finish() {
  if (error_.ok()) error_ = csv_->Finish();
  if (error_.ok() && columns_.empty()) error_ = absl::InvalidArgumentError("the file is empty: no header");
  if (error_.ok() && lines_.empty()) error_ = absl::InvalidArgumentError("the file confirms no line");
  if (!error_.ok()) return error_;
  error_ = absl::FailedPreconditionError("the confirmation was read already");
  return std::move(lines_);
}

}  // namespace himaya::payment_file
