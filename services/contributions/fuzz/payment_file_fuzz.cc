// Fuzzes the payment file's reader: the input (after its first byte) is read twice, whole and in
// chunks whose sizes follow from the first byte, against a manifest made for it (its sha256, and
// a row count from the first byte); both reads must agree, and every row must hold what the
// reader promises (rows numbered 1, 2, ... in order; a row not INVALID has its fields within
// bounds; an INVALID row says why).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "contributions/src/payment_file.h"
#include "liaison/manifested_csv.h"

namespace {

using himaya::contributions::PaymentFileReader;
using himaya::contributions::PaymentRow;
using himaya::contributions::RowOutcome;

struct Read {
  bool ok = false;
  std::vector<PaymentRow> rows;
};

Read ReadIn(absl::string_view text, int64_t row_count, unsigned seed) {
  auto reader = PaymentFileReader::Open({"F-1", himaya::liaison::Sha256Hex(text), row_count});
  if (!reader.ok()) std::abort();  // the manifest is a valid one
  size_t at = 0;
  bool fed = true;
  for (unsigned k = 1; at < text.size() && fed; ++k) {
    size_t size = seed == 0 ? text.size() : 1 + (seed * k) % 61;
    if (size > text.size() - at) size = text.size() - at;
    fed = (*reader)->Feed(text.substr(at, size)).ok();
    at += size;
  }
  Read read;
  if (!fed) return read;
  auto rows = (*reader)->Finish();
  if (!rows.ok()) return read;
  read.ok = true;
  read.rows = std::move(*rows);
  return read;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned seed = data[0];
  const int64_t row_count = 1 + seed % 8;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Read whole = ReadIn(text, row_count, 0);
  const Read chunked = ReadIn(text, row_count, seed == 0 ? 1 : seed);
  if (whole.ok != chunked.ok || whole.rows.size() != chunked.rows.size()) std::abort();
  if (whole.ok && static_cast<int64_t>(whole.rows.size()) != row_count) std::abort();
  for (size_t i = 0; i < whole.rows.size(); ++i) {
    const PaymentRow& a = whole.rows[i];
    const PaymentRow& b = chunked.rows[i];
    if (a.row != b.row || a.payment_id != b.payment_id || a.outcome != b.outcome || a.reason != b.reason ||
        a.amount_centimes != b.amount_centimes || a.registration_number != b.registration_number) {
      std::abort();
    }
    if (a.row != static_cast<int64_t>(i) + 1) std::abort();
    if (a.outcome == RowOutcome::kInvalid) {
      if (a.reason.empty()) std::abort();
      continue;
    }
    if (a.payment_id.empty() || a.payment_id.size() > himaya::contributions::kMaxPaymentIdBytes) std::abort();
    if (a.amount_centimes < 1 || a.amount_centimes > himaya::contributions::kMaxPaymentCentimes) std::abort();
    if (a.registration_number.size() != 9) std::abort();
  }
  return 0;
}
