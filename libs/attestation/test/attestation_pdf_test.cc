#include "attestation/attestation_pdf.h"

#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "attestation/pdf_qr_reader.h"
#include "attestation/qr_code.h"
#include "core/utf8.h"
#include "debian_tools.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sample_document.h"

namespace himaya::attestation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Render(const AttestationDocument& document) {
  absl::StatusOr<std::string> pdf = RenderAttestationPdf(document);
  EXPECT_TRUE(pdf.ok()) << pdf.status();
  return pdf.ok() ? *pdf : std::string();
}

// The text of `pdf` (of one page when `page` is not 0) as pdftotext gives it, without the
// directional marks (U+202A..U+202E) it puts around each right-to-left run, its words separated
// by single spaces.
std::string Text(const std::string& pdf, int page = 0) {
  absl::StatusOr<std::string> text = testing::ExtractText(pdf, page);
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return "";
  std::string unmarked =
      absl::StrReplaceAll(*text, {{"\u202A", ""}, {"\u202B", ""}, {"\u202C", ""}, {"\u202D", ""}, {"\u202E", ""}});
  // Where a line breaks is the layout's business: whitespace runs become one space.
  std::vector<absl::string_view> words = absl::StrSplit(unmarked, absl::ByAnyChar(" \n\f"), absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

int Pages(const std::string& pdf) {
  absl::StatusOr<int> pages = testing::CountPages(pdf);
  EXPECT_TRUE(pages.ok()) << pages.status();
  return pages.ok() ? *pages : -1;
}

// Arabic letters take a form by their place in a word (isolated, initial, medial, final). A
// font that shapes them maps each drawn form back to the letter itself, so the extracted text
// holds the letters (U+0600..U+06FF) and none of Unicode's presentation forms (U+FB50..U+FDFF,
// U+FE70..U+FEFF), nor U+FFFD for a glyph that maps to nothing.
struct ScriptCounts {
  int arabic_letters = 0;
  int presentation_forms = 0;
  int unknown = 0;
};
ScriptCounts CountScripts(absl::string_view text) {
  ScriptCounts counts;
  while (!text.empty()) {
    core::DecodedCodePoint c = core::DecodeUtf8(text);
    if (c.code_point >= 0x0600 && c.code_point <= 0x06FF) ++counts.arabic_letters;
    if ((c.code_point >= 0xFB50 && c.code_point <= 0xFDFF) || (c.code_point >= 0xFE70 && c.code_point <= 0xFEFF)) {
      ++counts.presentation_forms;
    }
    if (!c.valid || c.code_point == core::kReplacementCharacter) ++counts.unknown;
    text.remove_prefix(c.length);
  }
  return counts;
}

TEST(RenderAttestationPdf, IsAPdfOfOnePage) {
  std::string pdf = Render(SampleDocument());
  EXPECT_TRUE(absl::StartsWith(pdf, "%PDF-"));
  EXPECT_EQ(Pages(pdf), 1);
}

TEST(RenderAttestationPdf, TheTextHoldsTheNumberAndTheLatinNames) {
  std::string text = Text(Render(SampleDocument()));
  for (const char* french :
       {"ATTESTATION D'IMMATRICULATION", "Caisse nationale de sécurité sociale", "N° d'immatriculation : 100000017",
        "Assuré(e) : Amina Alaoui", "Régime : AMO Tadamon (amo-tadamon)", "Délivrée le : 29/11/2026",
        "Valable jusqu'au : 28/02/2027", "N° d'attestation : ATT-2026-000042", "Youssef Bennani", "Salma Bennani",
        "Omar Bennani", "02/06/1983", "B100001", "B100002", "B100003", "Conjoint(e)", "Enfant"}) {
    EXPECT_THAT(text, HasSubstr(french));
  }
}

// Each Arabic word comes out whole and in logical order (first letter first), which it does
// only when Pango shaped it and the PDF maps each drawn form back to its letters.
TEST(RenderAttestationPdf, TheTextHoldsTheArabicNamesAndLabelsInLogicalOrder) {
  std::string text = Text(Render(SampleDocument()));
  for (const char* arabic :
       {"الصندوق الوطني للضمان الاجتماعي", "شهادة التسجيل", "رقم التسجيل", "المؤمن له", "أمينة العلوي", "تاريخ الإصدار",
        "صالحة إلى غاية", "رقم الشهادة", "أفراد الأسرة المشمولون بالتغطية", "الاسم الكامل", "القرابة", "يوسف بناني",
        "سلمى بناني", "الطفل", "يمكن التحقق من هذه الشهادة"}) {
    EXPECT_THAT(text, HasSubstr(arabic));
  }
  // pdftotext moves the closing bracket that ends a right-to-left run before it: "الزوج(ة)"
  // comes out as ")الزوج(ة".
  EXPECT_THAT(text, HasSubstr("الزوج(ة"));
  // A member without Arabic names is shown with the Latin ones on the Arabic side too.
  size_t latin = text.find("Omar Bennani");
  ASSERT_NE(latin, std::string::npos);
  EXPECT_NE(text.find("Omar Bennani", latin + 1), std::string::npos);
}

TEST(RenderAttestationPdf, TheArabicIsExtractedAsLettersNotAsFormsOrBoxes) {
  ScriptCounts counts = CountScripts(Text(Render(SampleDocument())));
  EXPECT_GT(counts.arabic_letters, 300);
  EXPECT_EQ(counts.presentation_forms, 0);
  EXPECT_EQ(counts.unknown, 0);
}

TEST(RenderAttestationPdf, TheQrCodeScannedOffA150DpiRenderingIsTheQrText) {
  AttestationDocument document = SampleDocument();
  absl::StatusOr<std::vector<std::string>> codes = testing::ScanRenderedPage(Render(document), 150);
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, ElementsAre(document.qr_text));
}

TEST(RenderAttestationPdf, TheLongestQrTextAllowedStillScansAt150Dpi) {
  AttestationDocument document = SampleDocument();
  document.qr_text = Base45Text(kMaxQrTextBytes);
  absl::StatusOr<QrSymbol> symbol = EncodeQrSymbol(document.qr_text);
  ASSERT_TRUE(symbol.ok()) << symbol.status();
  absl::StatusOr<std::vector<std::string>> codes = testing::ScanRenderedPage(Render(document), 150);
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, ElementsAre(document.qr_text)) << "version " << symbol->version;
}

TEST(RenderAttestationPdf, TheAttestationNumberIsNeverCutAtItsHyphens) {
  // Each of these ids has its first groups fit beside the Arabic label: a line could end at one
  // of its hyphens, and a text extractor would then find it in two pieces.
  for (const char* id : {"91e543e2-aea6-4c30-98c3-dfc05c69e551", "c2c030a7-adc4-4f3b-9e41-bff6c5363d80",
                         "2b7ea26b-b68b-4ffd-8dff-b42ea98c226b"}) {
    AttestationDocument d = SampleDocument();
    d.attestation_id = id;
    const std::string text = Text(Render(d));
    size_t whole = 0;
    for (size_t at = text.find(id); at != std::string::npos; at = text.find(id, at + 1)) ++whole;
    EXPECT_EQ(whole, 2u) << id << " whole in the French and in the Arabic column\n" << text;
  }
}

TEST(RenderAttestationPdf, ParagraphsWrapWithinTheirColumn) {
  absl::StatusOr<std::string> text = testing::ExtractText(Render(SampleDocument()), 0);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("ci-dessous est\nimmatricul"));
}

TEST(RenderAttestationPdf, AnAttestationNumberTooWideForALineOfItsOwnWrapsRatherThanOverflow) {
  // Kept whole, it would run out of its column into the other one.
  AttestationDocument d = SampleDocument();
  d.attestation_id = "mmmmmmmm-mmmm-mmmm-mmmm-mmmmmmmmmmmm";
  absl::StatusOr<std::string> text = testing::ExtractText(Render(d), 0);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("\nmmmm-mmmmmmmmmmmm\n")) << "its last groups on a line of their own";
}

TEST(RenderAttestationPdf, AFamilyOfTwelveFitsOnOnePageWithEveryMember) {
  AttestationDocument document = SampleDocument();
  document.members.clear();
  for (int i = 0; i < 12; ++i) document.members.push_back(Child(i));
  std::string pdf = Render(document);
  EXPECT_EQ(Pages(pdf), 1);
  std::string text = Text(pdf, 1);
  for (const FamilyMember& member : document.members) {
    EXPECT_THAT(text, HasSubstr(member.beneficiary_id));
    EXPECT_THAT(text, HasSubstr(absl::StrCat(member.names.first_name_ar, " ", member.names.last_name_ar)));
  }
  EXPECT_THAT(text, Not(HasSubstr("(suite)")));
}

TEST(RenderAttestationPdf, TheLargestFamilyContinuesOnTheNextPagesUnderTheTableHeader) {
  AttestationDocument document = SampleDocument();
  document.members.clear();
  for (size_t i = 0; i < kMaxMembers; ++i) document.members.push_back(Child(static_cast<int>(i)));
  std::string pdf = Render(document);
  const int pages = Pages(pdf);
  EXPECT_GE(pages, 2);
  std::string all = Text(pdf);
  for (const FamilyMember& member : document.members) EXPECT_THAT(all, HasSubstr(member.beneficiary_id));
  for (int page = 2; page <= pages; ++page) {
    std::string text = Text(pdf, page);
    EXPECT_THAT(text, HasSubstr("Membres de la famille couverts au 29/11/2026 (suite)")) << page;
    EXPECT_THAT(text, HasSubstr("N° bénéficiaire")) << page;
    EXPECT_THAT(text, HasSubstr(absl::StrCat(page, "/", pages))) << page;
  }
  // The QR code is on the first page only.
  absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(pdf);
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, ElementsAre(document.qr_text));
}

TEST(RenderAttestationPdf, AFamilyOfNoneSaysSo) {
  AttestationDocument document = SampleDocument();
  document.members.clear();
  std::string text = Text(Render(document));
  EXPECT_THAT(text, HasSubstr("Aucun ayant droit déclaré."));
  EXPECT_THAT(text, HasSubstr("لا يوجد ذوو حقوق مصرح بهم"));
}

TEST(RenderAttestationPdf, TheFundsFrenchNameStandsInWhenItHasNoArabicOne) {
  AttestationDocument document = SampleDocument();
  document.fund_name_ar.clear();
  std::string text = Text(Render(document));
  EXPECT_THAT(text, Not(HasSubstr("الصندوق الوطني")));
  size_t first = text.find(document.fund_name);
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(text.find(document.fund_name, first + 1), std::string::npos);
}

TEST(RenderAttestationPdf, TheProgramIsNamedByItsLabelInEachLanguageThenItsCode) {
  AttestationDocument document = SampleDocument();
  std::string text = Text(Render(document));
  EXPECT_THAT(text, HasSubstr("AMO Tadamon (amo-tadamon)"));
  EXPECT_THAT(text, HasSubstr("أمو تضامن"));
  document.program_label_ar.clear();
  text = Text(Render(document));
  EXPECT_THAT(text, Not(HasSubstr("أمو تضامن")));
  size_t first = text.find("AMO Tadamon");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(text.find("AMO Tadamon", first + 1), std::string::npos) << "on both sides";
}

TEST(RenderAttestationPdf, TheSameCertificateGivesTheSameBytes) {
  EXPECT_EQ(Render(SampleDocument()), Render(SampleDocument()));
}

TEST(RenderAttestationPdf, AnInvalidDocumentIsRefusedNamingTheField) {
  AttestationDocument document = SampleDocument();
  document.members[1].names.last_name.clear();
  absl::StatusOr<std::string> pdf = RenderAttestationPdf(document);
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(pdf.status().message(), "members[1].names.last_name: empty");
}

TEST(RenderAttestationPdf, ThreadsRenderingAtOnceEachGetTheirCertificate) {
  std::vector<std::string> pdfs(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < pdfs.size(); ++i) {
    threads.emplace_back([&pdfs, i] {
      AttestationDocument document = SampleDocument();
      document.registration_number = absl::StrCat("10000001", i);
      document.qr_text = absl::StrCat("HMY1:THREAD", i);
      absl::StatusOr<std::string> pdf = RenderAttestationPdf(document);
      if (pdf.ok()) pdfs[i] = *std::move(pdf);
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < pdfs.size(); ++i) {
    EXPECT_THAT(Text(pdfs[i]), HasSubstr(absl::StrCat("N° d'immatriculation : 10000001", i)));
    absl::StatusOr<std::vector<std::string>> codes = ReadQrCodes(pdfs[i]);
    ASSERT_TRUE(codes.ok()) << codes.status();
    EXPECT_THAT(*codes, ElementsAre(absl::StrCat("HMY1:THREAD", i)));
  }
}

}  // namespace
}  // namespace himaya::attestation
