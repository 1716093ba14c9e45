#include "liaison/manifested_csv.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/utf8.h"

namespace himaya::liaison {

ManifestedCsv::ManifestedCsv(int64_t record_count, std::string sha256, std::vector<std::string> required_columns,
                             RowFn on_row)
    : record_count_(record_count),
      sha256_(absl::AsciiStrToLower(sha256)),
      required_(std::move(required_columns)),
      on_row_(std::move(on_row)),
      csv_([this](std::vector<std::string>& fields) { return OnRecord(fields); }) {
  crypto_hash_sha256_init(&sha_);
}

absl::Status ManifestedCsv::Feed(absl::string_view bytes) {
  crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return csv_.Feed(bytes);
}

absl::Status ManifestedCsv::OnHeader(const std::vector<std::string>& fields) {
  header_seen_ = true;
  header_size_ = fields.size();
  if (csv_.RecordTooLong()) return absl::InvalidArgumentError("header: longer than the limit of a row");
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!core::IsValidUtf8(fields[i])) return absl::InvalidArgumentError("header: not valid UTF-8");
    std::string name = absl::AsciiStrToLower(fields[i]);
    if (name.empty()) continue;
    if (!columns_.emplace(name, i).second) {
      return absl::InvalidArgumentError(absl::StrCat("header: column ", name, " appears twice"));
    }
  }
  std::vector<std::string> missing;
  for (const std::string& column : required_) {
    if (columns_.count(column) == 0) missing.push_back(column);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("header: missing column", missing.size() > 1 ? "s " : " ", absl::StrJoin(missing, ", ")));
  }
  return absl::OkStatus();
}

absl::Status ManifestedCsv::OnRecord(std::vector<std::string>& fields) {
  if (!header_seen_) return OnHeader(fields);
  ++rows_;
  if (rows_ > record_count_) {
    return absl::InvalidArgumentError(
        absl::StrCat("record_count: the file holds more rows than the manifest's ", record_count_));
  }
  for (const std::string& field : fields) {
    if (!core::IsValidUtf8(field)) return absl::InvalidArgumentError(absl::StrCat("row ", rows_, ": not valid UTF-8"));
  }
  return on_row_(rows_, fields);
}

const std::string& ManifestedCsv::Get(const std::vector<std::string>& fields, const std::string& column) const {
  static const std::string* const kEmpty = new std::string();
  auto it = columns_.find(column);
  return it == columns_.end() || it->second >= fields.size() ? *kEmpty : fields[it->second];
}

std::vector<std::string> ManifestedCsv::TooLongColumns() const {
  std::vector<std::string> out;
  for (const auto& [name, position] : columns_) {
    if (csv_.FieldTooLong(position)) out.push_back(name);
  }
  return out;
}

namespace {

std::string Hex(const unsigned char (&digest)[crypto_hash_sha256_BYTES]) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(digest);
}

absl::Status ManifestedCsv::Finish() {
  if (absl::Status s = csv_.Finish(); !s.ok()) return s;
  if (!header_seen_) return absl::InvalidArgumentError("header: the file is empty");
  if (rows_ != record_count_) {
    return absl::InvalidArgumentError(absl::StrCat("record_count: the manifest says ", record_count_,
                                                   ", the file holds ", rows_,
                                                   " rows (truncated or altered transfer)"));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha_, digest);
  if (Hex(digest) != sha256_) {
    return absl::InvalidArgumentError(
        "sha256: the bytes received do not match the manifest (truncated or altered transfer)");
  }
  return absl::OkStatus();
}

}  // namespace himaya::liaison
