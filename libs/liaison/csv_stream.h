// RFC 4180 CSV read from bytes that arrive in chunks of any size (libcsv's push parser): quoted
// fields may hold commas, doubled quotes and line breaks, and may span chunks; an optional UTF-8
// BOM is skipped; LF or CRLF ends a record; blank lines are skipped. Memory holds one record,
// bounded: a field past kMaxFieldBytes, or any field once its record passed kMaxRecordBytes, is
// delivered empty and flagged (the record is then refused by its reader, not the whole file),
// and a single field past kMaxBufferedFieldBytes stops the stream.
#pragma once

#include <csv.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace himaya::liaison {

// The liaison file contract's limits (LIAISON-FILE.md "Limits").
inline constexpr size_t kMaxFieldBytes = 64 * 1024;
inline constexpr size_t kMaxRecordBytes = 1024 * 1024;
// What the parser holds of one field before giving up on the file.
inline constexpr size_t kMaxBufferedFieldBytes = 16 * 1024 * 1024;

class CsvStream {
 public:
  // Receives each record's fields (trimmed of surrounding spaces); an error stops the stream
  // and is returned by the Feed or Finish that delivered the record.
  using RecordFn = std::function<absl::Status(std::vector<std::string>& fields)>;

  explicit CsvStream(RecordFn on_record);
  ~CsvStream();
  CsvStream(const CsvStream&) = delete;
  CsvStream& operator=(const CsvStream&) = delete;

  // Parses `bytes`. INVALID_ARGUMENT on malformed quoting (naming the record), or the first
  // error of the record function.
  absl::Status Feed(absl::string_view bytes);
  // Ends the input (a last record without a line end is delivered). Same errors as Feed.
  absl::Status Finish();
  // Records delivered so far (the header included).
  int64_t records() const { return records_; }
  // About the record being delivered, inside the record function: whether field `i` was past
  // kMaxFieldBytes, and whether the record was past kMaxRecordBytes (its content then delivered
  // empty).
  bool FieldTooLong(size_t i) const { return i < too_long_.size() && too_long_[i]; }
  bool RecordTooLong() const { return record_bytes_ > kMaxRecordBytes; }

 private:
  static void OnField(void* field, size_t size, void* self);
  static void OnRecordEnd(int terminator, void* self);
  csv_parser parser_;
  RecordFn on_record_;
  std::vector<std::string> fields_;
  std::vector<bool> too_long_;
  size_t record_bytes_ = 0;
  std::string bom_buffer_;
  bool bom_checked_ = false;
  int64_t records_ = 0;
  absl::Status error_;
};

}  // namespace himaya::liaison
