#include "attestation/pdf_qr_reader.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <zbar.h>

#include <cmath>
#include <cstring>
#include <exception>
#include <memory>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"

namespace himaya::attestation {
namespace {

// poppler prints what it dislikes in a PDF on standard error; a hostile PDF would fill a
// verifier's terminal. Its complaints are dropped: the outcome says what matters.
void IgnorePopplerMessage(const std::string&, void*) {}

struct ScannerDeleter {
  void operator()(zbar::zbar_image_scanner_t* scanner) const { zbar::zbar_image_scanner_destroy(scanner); }
};
struct ImageDeleter {
  void operator()(zbar::zbar_image_t* image) const { zbar::zbar_image_destroy(image); }
};

// The QR codes on one rendered page (grey levels, one byte a pixel, `stride` bytes a row).
absl::StatusOr<std::vector<std::string>> ScanPage(const char* pixels, int width, int height, int stride) {
  // zbar wants the rows packed: Y800 is exactly width * height bytes.
  std::vector<unsigned char> packed(static_cast<size_t>(width) * height);
  for (int row = 0; row < height; ++row) {
    std::memcpy(&packed[static_cast<size_t>(row) * width], pixels + static_cast<size_t>(row) * stride, width);
  }
  std::unique_ptr<zbar::zbar_image_scanner_t, ScannerDeleter> scanner(zbar::zbar_image_scanner_create());
  zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
  zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
  // The text as it was encoded, without zbar guessing a character set for it.
  zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_BINARY, 1);
  std::unique_ptr<zbar::zbar_image_t, ImageDeleter> image(zbar::zbar_image_create());
  zbar::zbar_image_set_format(image.get(), zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(image.get(), width, height);
  zbar::zbar_image_set_data(image.get(), packed.data(), packed.size(), nullptr);
  if (zbar::zbar_scan_image(scanner.get(), image.get()) < 0) return absl::InternalError("zbar could not scan a page");
  std::vector<std::string> codes;
  for (const zbar::zbar_symbol_t* symbol = zbar::zbar_image_first_symbol(image.get()); symbol != nullptr;
       symbol = zbar::zbar_symbol_next(symbol)) {
    if (zbar::zbar_symbol_get_type(symbol) != zbar::ZBAR_QRCODE) continue;
    codes.emplace_back(zbar::zbar_symbol_get_data(symbol), zbar::zbar_symbol_get_data_length(symbol));
  }
  return codes;
}

// The document of `pdf` (which must outlive it: poppler reads the bytes in place), unlocked.
absl::StatusOr<std::unique_ptr<poppler::document>> Open(absl::string_view pdf) {
  static absl::once_flag quiet;
  absl::call_once(quiet, [] { poppler::set_debug_error_function(&IgnorePopplerMessage, nullptr); });
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (document == nullptr) return absl::InvalidArgumentError("not a PDF that can be read");
  if (document->is_locked()) return absl::InvalidArgumentError("the PDF is protected by a password");
  return document;
}

absl::StatusOr<std::vector<std::string>> Read(absl::string_view pdf) {
  absl::StatusOr<std::unique_ptr<poppler::document>> document = Open(pdf);
  if (!document.ok()) return document.status();
  const int pages = (*document)->pages();
  if (pages > kMaxScannedPages) {
    return absl::InvalidArgumentError(
        absl::StrCat("the PDF has ", pages, " pages; at most ", kMaxScannedPages, " are scanned for QR codes"));
  }
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  std::vector<std::string> codes;
  for (int p = 0; p < pages; ++p) {
    std::unique_ptr<poppler::page> page((*document)->create_page(p));
    if (page == nullptr) return absl::InvalidArgumentError(absl::StrCat("page ", p + 1, " cannot be read"));
    const poppler::rectf box = page->page_rect();
    const double pixels = std::fabs(box.width() * kScanDpi / 72) * std::fabs(box.height() * kScanDpi / 72);
    if (!(pixels <= kMaxPagePixels)) {  // also NaN
      return absl::InvalidArgumentError(
          absl::StrCat("page ", p + 1, " is too large to scan (", box.width(), " x ", box.height(), " points)"));
    }
    poppler::image image = renderer.render_page(page.get(), kScanDpi, kScanDpi);
    if (!image.is_valid() || image.format() != poppler::image::format_gray8) {
      return absl::InternalError(absl::StrCat("page ", p + 1, " could not be rendered"));
    }
    absl::StatusOr<std::vector<std::string>> found =
        ScanPage(image.const_data(), image.width(), image.height(), image.bytes_per_row());
    if (!found.ok()) return found.status();
    for (std::string& code : *found) {
      if (codes.size() == kMaxQrCodes) {
        return absl::InvalidArgumentError(absl::StrCat("the PDF holds more than ", kMaxQrCodes, " QR codes"));
      }
      codes.push_back(std::move(code));
    }
  }
  return codes;
}

// Runs `read` on `pdf` once its size is checked. poppler-cpp reports failures by its return
// values, but may throw std::bad_alloc (or what the standard library throws) on a hostile file:
// no exception leaves this library.
template <typename T, typename Reader>
absl::StatusOr<T> Guarded(absl::string_view pdf, const Reader& read) {
  if (pdf.empty()) return absl::InvalidArgumentError("the PDF is empty");
  if (pdf.size() > kMaxPdfBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the PDF is ", pdf.size(), " bytes; at most ", kMaxPdfBytes, " are read"));
  }
  try {
    return read(pdf);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("the PDF could not be read: ", e.what()));
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReadQrCodes(absl::string_view pdf) {
  return Guarded<std::vector<std::string>>(pdf, &Read);
}

absl::StatusOr<int> CountPdfPages(absl::string_view pdf) {
  return Guarded<int>(pdf, [](absl::string_view bytes) -> absl::StatusOr<int> {
    absl::StatusOr<std::unique_ptr<poppler::document>> document = Open(bytes);
    if (!document.ok()) return document.status();
    return (*document)->pages();
  });
}

}  // namespace himaya::attestation
