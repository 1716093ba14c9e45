// The data file of a manifest as it streams in: its bytes hashed and parsed as CSV, the header
// read into column positions (names case-insensitive, each once, the required ones present),
// every field checked as UTF-8, and the rows counted against the manifest's record_count. At
// the end, the count and the sha256 must be those the manifest announced. Liaison batches and
// coverage files both arrive this way.
#pragma once

#include <sodium.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "liaison/csv_stream.h"

namespace himaya::liaison {

class ManifestedCsv {
 public:
  // Receives each data row (numbered from 1) once the header is read.
  using RowFn = std::function<absl::Status(int64_t row, const std::vector<std::string>& fields)>;

  ManifestedCsv(int64_t record_count, std::string sha256, std::vector<std::string> required_columns, RowFn on_row);
  ManifestedCsv(const ManifestedCsv&) = delete;
  ManifestedCsv& operator=(const ManifestedCsv&) = delete;

  // INVALID_ARGUMENT for a bad header, a field that is not UTF-8, malformed quoting, or more rows
  // than announced; or the row function's first error.
  absl::Status Feed(absl::string_view bytes);
  // Ends the stream. INVALID_ARGUMENT when the file is empty, or its count or hash differ from
  // the manifest's.
  absl::Status Finish();

  int64_t rows() const { return rows_; }
  bool has_column(const std::string& name) const { return columns_.count(name) > 0; }
  // The value of `column` in a row; "" when the file has no such column.
  const std::string& Get(const std::vector<std::string>& fields, const std::string& column) const;
  // Fields in the header (a row must have as many).
  size_t header_size() const { return header_size_; }
  // About the row being delivered, inside the row function: the columns whose field was past
  // kMaxFieldBytes, and whether the row was past kMaxRecordBytes (such content is delivered empty).
  std::vector<std::string> TooLongColumns() const;
  bool RowTooLong() const { return csv_.RecordTooLong(); }

 private:
  absl::Status OnRecord(std::vector<std::string>& fields);
  absl::Status OnHeader(const std::vector<std::string>& fields);

  const int64_t record_count_;
  const std::string sha256_;
  const std::vector<std::string> required_;
  RowFn on_row_;
  crypto_hash_sha256_state sha_;
  CsvStream csv_;
  std::map<std::string, size_t> columns_;
  bool header_seen_ = false;
  size_t header_size_ = 0;
  int64_t rows_ = 0;
};

// The sha256 of `bytes` in lower-case hexadecimal, as manifests write it.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace himaya::liaison
