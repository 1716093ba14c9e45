#include "liaison/csv_stream.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace himaya::liaison {

namespace {

// libcsv grows its field buffer through this: a field past the cap fails the parse (CSV_ENOMEM)
// instead of taking the memory a hostile file asks for.
void* CappedRealloc(void* buffer, size_t size) {
  return size > kMaxBufferedFieldBytes + 64 * 1024 ? nullptr : std::realloc(buffer, size);
}

}  // namespace

CsvStream::CsvStream(RecordFn on_record) : on_record_(std::move(on_record)) {
  csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_realloc_func(&parser_, CappedRealloc);
  csv_set_blk_size(&parser_, 64 * 1024);
}

CsvStream::~CsvStream() { csv_free(&parser_); }

void CsvStream::OnField(void* field, size_t size, void* data) {
  auto* self = static_cast<CsvStream*>(data);
  absl::string_view text(static_cast<const char*>(field), field == nullptr ? 0 : size);
  self->record_bytes_ += text.size() + 1;  // the separator counts
  const bool too_long = text.size() > kMaxFieldBytes;
  self->too_long_.push_back(too_long);
  if (too_long || self->RecordTooLong()) {
    self->fields_.emplace_back();  // not kept: the record is refused by its reader
  } else {
    self->fields_.emplace_back(absl::StripAsciiWhitespace(text));
  }
}

void CsvStream::OnRecordEnd(int, void* data) {
  auto* self = static_cast<CsvStream*>(data);
  ++self->records_;
  if (self->error_.ok()) self->error_ = self->on_record_(self->fields_);
  self->fields_.clear();
  self->too_long_.clear();
  self->record_bytes_ = 0;
}

absl::Status CsvStream::Feed(absl::string_view bytes) {
  if (!error_.ok()) return error_;
  if (!bom_checked_) {
    // The BOM may itself arrive split across chunks.
    bom_buffer_.append(bytes.data(), bytes.size());
    if (bom_buffer_.size() < 3 && absl::string_view("\xEF\xBB\xBF").substr(0, bom_buffer_.size()) == bom_buffer_) {
      return absl::OkStatus();
    }
    bom_checked_ = true;
    std::string pending = std::move(bom_buffer_);
    absl::string_view rest(pending);
    absl::ConsumePrefix(&rest, "\xEF\xBB\xBF");
    return Feed(rest);
  }
  size_t parsed = csv_parse(&parser_, bytes.data(), bytes.size(), OnField, OnRecordEnd, this);
  if (!error_.ok()) return error_;
  if (parsed != bytes.size() && csv_error(&parser_) == CSV_ENOMEM) {
    return absl::InvalidArgumentError(absl::StrCat("csv: record ", records_ + 1, " holds a field longer than ",
                                                   kMaxBufferedFieldBytes / (1024 * 1024), " MiB"));
  }
  if (parsed != bytes.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("csv: malformed quoting in record ", records_ + 1, " (", csv_strerror(csv_error(&parser_)), ")"));
  }
  return absl::OkStatus();
}

absl::Status CsvStream::Finish() {
  if (!bom_checked_) {
    bom_checked_ = true;
    std::string pending = std::move(bom_buffer_);
    if (absl::Status s = Feed(pending); !s.ok()) return s;
  }
  if (!error_.ok()) return error_;
  if (csv_fini(&parser_, OnField, OnRecordEnd, this) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("csv: unterminated quoted field in record ", records_ + 1));
  }
  return error_;
}

}  // namespace himaya::liaison
