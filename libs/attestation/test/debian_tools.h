// What the tests ask of Debian's own PDF and bar code tools, independent of the library under
// test: pdftotext and pdfinfo (poppler-utils) for the text and pages a reader sees, pdftoppm
// and zbarimg (zbar-tools) for the QR code a phone would scan off a rendered page.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace himaya::attestation::testing {

// The text pdftotext extracts from `pdf` (UTF-8), of page `page` only when it is not 0.
absl::StatusOr<std::string> ExtractText(const std::string& pdf, int page = 0);

// The number of pages pdfinfo counts in `pdf`.
absl::StatusOr<int> CountPages(const std::string& pdf);

// The QR codes zbarimg reads off page 1 of `pdf` rendered by pdftoppm at `dpi` in grey levels.
absl::StatusOr<std::vector<std::string>> ScanRenderedPage(const std::string& pdf, int dpi);

}  // namespace himaya::attestation::testing
