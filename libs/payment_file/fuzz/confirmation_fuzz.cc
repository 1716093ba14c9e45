// Fuzzes the bank's payment confirmation reader: the input (after its first byte) is read twice,
// whole and in chunks whose sizes follow from the first byte; both reads must agree, and every
// line returned must hold what the reader promises (a line number from 1, given once, PAID or
// FAILED, a FAILED line with its reason, the bounds).
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "payment_file/confirmation.h"

namespace {

using himaya::payment_file::ConfirmedLine;
using himaya::payment_file::LineStatus;
using himaya::payment_file::PaymentConfirmationReader;

struct Read {
  bool ok = false;
  std::vector<ConfirmedLine> lines;
};

// Reads `text` in chunks of 1 + (seed * k) % 61 bytes (k: the chunk's number); seed 0: whole.
Read ReadIn(absl::string_view text, unsigned seed) {
  PaymentConfirmationReader reader("PAY-20260301");
  size_t at = 0;
  bool fed = true;
  for (unsigned k = 1; at < text.size() && fed; ++k) {
    size_t size = seed == 0 ? text.size() : 1 + (seed * k) % 61;
    if (size > text.size() - at) size = text.size() - at;
    fed = reader.Feed(text.substr(at, size)).ok();
    at += size;
  }
  Read read;
  if (!fed) return read;
  auto lines = reader.Finish();
  if (!lines.ok()) return read;
  read.ok = true;
  read.lines = std::move(*lines);
  return read;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned seed = data[0];
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Read whole = ReadIn(text, 0);
  const Read chunked = ReadIn(text, seed == 0 ? 1 : seed);
  if (whole.ok != chunked.ok || whole.lines.size() != chunked.lines.size()) std::abort();
  std::set<int64_t> seen;
  for (size_t i = 0; i < whole.lines.size(); ++i) {
    const ConfirmedLine& a = whole.lines[i];
    const ConfirmedLine& b = chunked.lines[i];
    if (a.line != b.line || a.record != b.record || a.registration_number != b.registration_number ||
        a.status != b.status || a.reason != b.reason) {
      std::abort();
    }
    if (a.line < 1 || !seen.insert(a.line).second) std::abort();
    if (a.status != LineStatus::kPaid && a.status != LineStatus::kFailed) std::abort();
    if (a.status == LineStatus::kFailed && a.reason.empty()) std::abort();
    if (a.reason.size() > himaya::payment_file::kMaxConfirmationReasonBytes || a.registration_number.empty()) std::abort();
  }
  return 0;
}
