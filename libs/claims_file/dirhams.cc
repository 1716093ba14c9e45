#include "claims_file/dirhams.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace himaya::claims_file {

absl::StatusOr<int64_t> ParseDirhams(absl::string_view text) {
  const absl::Status bad = absl::InvalidArgumentError(
      "must be an amount in dirhams: digits, then at most two decimals after a point (150, 150.5, 150.50)");
  const size_t point = text.find('.');
  const absl::string_view whole = text.substr(0, point);
  const absl::string_view decimals = point == absl::string_view::npos ? "" : text.substr(point + 1);
  if (whole.empty() || (point != absl::string_view::npos && (decimals.empty() || decimals.size() > 2))) return bad;
  int64_t centimes = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return bad;
    centimes = centimes * 10 + (c - '0') * 100;
    if (centimes > kMaxDirhamsCentimes) return absl::InvalidArgumentError("must be at most 10000000000.00 dirhams");
  }
  int64_t scale = 10;
  for (char c : decimals) {
    if (c < '0' || c > '9') return bad;
    centimes += (c - '0') * scale;
    scale /= 10;
  }
  if (centimes > kMaxDirhamsCentimes) return absl::InvalidArgumentError("must be at most 10000000000.00 dirhams");
  return centimes;
}

std::string FormatDirhams(int64_t centimes) {
  // In unsigned arithmetic, so that the most negative value has a magnitude too.
  const bool negative = centimes < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(centimes) : static_cast<uint64_t>(centimes);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", magnitude / 100, magnitude % 100);
}

}  // namespace himaya::claims_file
