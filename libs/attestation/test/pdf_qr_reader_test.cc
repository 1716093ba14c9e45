#include "attestation/pdf_qr_reader.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "attestation/attestation_pdf.h"
#include "attestation/qr_code.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sample_document.h"

namespace himaya::attestation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A PDF of `pages` pages of `width` x `height` points, each with a line of text and no QR code.
std::string PlainPdf(int pages, double width = 595, double height = 842) {
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(&Append, &pdf, width, height);
  cairo_t* cr = cairo_create(surface);
  for (int i = 0; i < pages; ++i) {
    cairo_move_to(cr, 50, 100);
    cairo_set_font_size(cr, 14);
    cairo_show_text(cr, "Attestation sans code QR");
    cairo_rectangle(cr, 50, 150, 200, 200);  // a black square, which is no code
    cairo_fill(cr);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return pdf;
}

// A PDF of `count` QR codes ("CODE 0", "CODE 1", ...), three a page on a diagonal (zbar
// misreads codes lined up in a grid, whose finder patterns align from one code to the next).
std::string PdfOfQrCodes(int count) {
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(&Append, &pdf, 595, 842);
  cairo_t* cr = cairo_create(surface);
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<QrSymbol> symbol = EncodeQrSymbol(absl::StrCat("CODE ", i));
    EXPECT_TRUE(symbol.ok()) << symbol.status();
    if (!symbol.ok()) break;
    const double module = 4, x = 40 + (i % 3) * 180, y = 40 + (i % 3) * 260;
    for (int row = 0; row < symbol->width; ++row) {
      for (int column = 0; column < symbol->width; ++column) {
        if (symbol->IsDark(column, row)) cairo_rectangle(cr, x + column * module, y + row * module, module, module);
      }
    }
    cairo_fill(cr);
    if (i % 3 == 2 || i == count - 1) cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return pdf;
}

std::string Certificate(const AttestationDocument& document) {
  absl::StatusOr<std::string> pdf = RenderAttestationPdf(document);
  EXPECT_TRUE(pdf.ok()) << pdf.status();
  return pdf.ok() ? *pdf : std::string();
}

TEST(ReadQrCodes, ReadsTheQrTextOfACertificate) {
  AttestationDocument document = SampleDocument();
  absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(Certificate(document));
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, ElementsAre(document.qr_text));
}

TEST(ReadQrCodes, ReadsTheLongestQrTextACertificateCarries) {
  AttestationDocument document = SampleDocument();
  document.qr_text = Base45Text(kMaxQrTextBytes);
  absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(Certificate(document));
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, ElementsAre(document.qr_text));
}

TEST(ReadQrCodes, APdfWithoutAQrCodeGivesNone) {
  absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(PlainPdf(2));
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, IsEmpty());
}

TEST(ReadQrCodes, GarbageIsNotAPdf) {
  absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes("this is not a PDF at all, only words");
  EXPECT_EQ(codes.status(), absl::InvalidArgumentError("not a PDF that can be read"));
  EXPECT_EQ(ReadQrCodes(std::string(4096, '\xff')).status(), absl::InvalidArgumentError("not a PDF that can be read"));
}

TEST(ReadQrCodes, AnEmptyFileIsRefused) {
  EXPECT_EQ(ReadQrCodes("").status(), absl::InvalidArgumentError("the PDF is empty"));
}

TEST(ReadQrCodes, AFileLargerThanTheBoundIsRefusedUnread) {
  std::string huge = PlainPdf(1);
  huge.resize(kMaxPdfBytes + 1, ' ');
  absl::Status status = ReadQrCodes(huge).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("at most 16777216 are read"));
}

TEST(ReadQrCodes, MorePagesThanTheBoundAreRefused) {
  EXPECT_TRUE(ReadQrCodes(PlainPdf(kMaxScannedPages)).ok());
  EXPECT_EQ(ReadQrCodes(PlainPdf(kMaxScannedPages + 1)).status(),
            absl::InvalidArgumentError("the PDF has 9 pages; at most 8 are scanned for QR codes"));
}

TEST(CountPdfPages, CountsThePagesOfACertificateAndOfAnyPdf) {
  absl::StatusOr<int> certificate = CountPdfPages(Certificate(SampleDocument()));
  ASSERT_TRUE(certificate.ok()) << certificate.status();
  EXPECT_EQ(*certificate, 1);
  EXPECT_EQ(*CountPdfPages(PlainPdf(3)), 3);
  // More than ReadQrCodes scans: nothing is rendered.
  EXPECT_EQ(*CountPdfPages(PlainPdf(kMaxScannedPages + 4)), kMaxScannedPages + 4);
}

TEST(CountPdfPages, WhatIsNotAPdfIsRefused) {
  EXPECT_EQ(CountPdfPages("").status(), absl::InvalidArgumentError("the PDF is empty"));
  EXPECT_EQ(CountPdfPages("%PDF-1.5 not really").status(), absl::InvalidArgumentError("not a PDF that can be read"));
  EXPECT_EQ(CountPdfPages(std::string(kMaxPdfBytes + 1, ' ')).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReadQrCodes, APageTooLargeToRenderIsRefused) {
  // 14,400 points is 5 m: 400 Mpx at 200 dpi.
  absl::Status status = ReadQrCodes(PlainPdf(1, 14400, 14400)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("page 1 is too large to scan"));
}

TEST(ReadQrCodes, ReadsEveryCodeOfEveryPageUpToTheBound) {
  absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(PdfOfQrCodes(kMaxQrCodes));
  ASSERT_TRUE(codes.ok()) << codes.status();
  ASSERT_EQ(codes->size(), kMaxQrCodes);
  // Page by page: the codes of page 1, then of page 2...
  EXPECT_THAT(std::vector<std::string>(codes->begin(), codes->begin() + 3),
              ::testing::UnorderedElementsAre("CODE 0", "CODE 1", "CODE 2"));
  EXPECT_EQ(codes->back(), "CODE 15");
  EXPECT_EQ(ReadQrCodes(PdfOfQrCodes(kMaxQrCodes + 1)).status(),
            absl::InvalidArgumentError("the PDF holds more than 16 QR codes"));
}

TEST(ReadQrCodes, ATruncatedCertificateIsRefusedOrReadWithoutCrashing) {
  const std::string pdf = Certificate(SampleDocument());
  for (size_t length : {pdf.size() / 4, pdf.size() / 2, pdf.size() - 100}) {
    absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(pdf.substr(0, length));
    // poppler rebuilds what it can of a damaged file: either it says it cannot, or what it
    // reads is the certificate's code.
    if (codes.ok()) {
      for (const std::string& code : *codes) EXPECT_EQ(code, SampleDocument().qr_text) << length;
    } else {
      EXPECT_EQ(codes.status().code(), absl::StatusCode::kInvalidArgument) << length;
    }
  }
}

}  // namespace
}  // namespace himaya::attestation
