// The bank's confirmation of a payment run (claims' refunds, family allowances), as it arrives:
// the CSV `run_id,line,registration_number,status,reason` (status PAID or FAILED, the bank's
// reason required when FAILED), read in chunks of any size through liaison's CsvStream. Every
// record is checked on its own here (fields, the run it names, a line given once); whether the
// lines match the run's is the paying service's check (claims' payment_runs.h, beneficiary's
// allowance_runs.h). Bounded: at most kMaxConfirmationLines lines and kMaxConfirmationBytes
// bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "liaison/csv_stream.h"

namespace himaya::payment_file {

inline constexpr int64_t kMaxConfirmationLines = 1'000'000;
inline constexpr int64_t kMaxConfirmationBytes = 128 * 1024 * 1024;
inline constexpr size_t kMaxConfirmationReasonBytes = 200;

enum class LineStatus { kPending, kPaid, kFailed };
// "PENDING", "PAID", "FAILED".
absl::string_view LineStatusName(LineStatus status);
// The status named `name`; nullopt for any other text.
std::optional<LineStatus> LineStatusNamed(absl::string_view name);

// One record of the confirmation.
struct ConfirmedLine {
  // The record's place in the file, from 1 after the header.
  int64_t record = 0;
  int64_t line = 0;
  std::string registration_number;
  LineStatus status = LineStatus::kPaid;
  // The bank's reason (FAILED); kept as given for PAID.
  std::string reason;
};

class PaymentConfirmationReader {
 public:
  struct Limits {
    int64_t max_lines = kMaxConfirmationLines;
    int64_t max_bytes = kMaxConfirmationBytes;
  };
  // Reads a confirmation of the run `run_id`: every record must name it.
  explicit PaymentConfirmationReader(std::string run_id) : PaymentConfirmationReader(std::move(run_id), Limits{}) {}
  PaymentConfirmationReader(std::string run_id, Limits limits);
  PaymentConfirmationReader(const PaymentConfirmationReader&) = delete;
  PaymentConfirmationReader& operator=(const PaymentConfirmationReader&) = delete;

  // Reads `bytes`. INVALID_ARGUMENT at the first record at fault, naming the line (or the
  // record, when its line cannot be read) and the field; then the reader is spent.
  absl::Status Feed(absl::string_view bytes);
  // Ends the input and returns the lines in the file's order. INVALID_ARGUMENT as Feed, or for
  // a file without a header or without a line.
  absl::StatusOr<std::vector<ConfirmedLine>> Finish();

 private:
  absl::Status OnRecord(std::vector<std::string>& fields);
  absl::Status ReadHeader(const std::vector<std::string>& fields);

  const std::string run_id_;
  const Limits limits_;
  // The column of run_id, line, registration_number, status, reason, from the header.
  std::vector<size_t> columns_;
  std::vector<ConfirmedLine> lines_;
  absl::flat_hash_set<int64_t> seen_;
  int64_t bytes_ = 0;
  absl::Status error_;
  std::unique_ptr<liaison::CsvStream> csv_;
};

}  // namespace himaya::payment_file
