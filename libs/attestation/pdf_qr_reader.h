// Reads the QR codes back out of a PDF, as a verifier does with a certificate it was sent
// (`himaya attestation verify FILE.pdf`): each page is rendered with poppler and scanned with
// zbar; and counts its pages. The PDF may come from anyone, so what it may cost is bounded: its size, its pages,
// each page's pixels, the codes returned.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::attestation {

inline constexpr size_t kMaxPdfBytes = 16 << 20;
inline constexpr int kMaxScannedPages = 8;
// Pages are rendered at this resolution in grey levels; a certificate's QR code (70 mm) gets
// 4 pixels a module or more.
inline constexpr double kScanDpi = 200;
// The largest page rendered: 36 Mpx is a 0.9 m square at 200 dpi (A4 is 3.9 Mpx).
inline constexpr double kMaxPagePixels = 36e6;
inline constexpr size_t kMaxQrCodes = 16;

// The texts of the QR codes on the pages of `pdf`, page by page (none when it has none).
// INVALID_ARGUMENT when it is empty or larger than kMaxPdfBytes, is not a PDF poppler can open,
// is protected by a password, has more than kMaxScannedPages pages or a page larger than
// kMaxPagePixels at kScanDpi, or holds more than kMaxQrCodes codes; INTERNAL when a page cannot
// be rendered or scanned. Safe to call from several threads: each call has its own document
// and scanner.
absl::StatusOr<std::vector<std::string>> ReadQrCodes(absl::string_view pdf);

// How many pages `pdf` has (as `himaya demo` shows a certificate downloaded). INVALID_ARGUMENT
// when it is empty or larger than kMaxPdfBytes, not a PDF poppler can open, or protected by a
// password. Nothing is rendered.
absl::StatusOr<int> CountPdfPages(absl::string_view pdf);

}  // namespace himaya::attestation
