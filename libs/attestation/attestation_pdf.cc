#include "attestation/attestation_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "attestation/certificate_fonts.h"
#include "attestation/qr_code.h"
#include "core/status_macros.h"

namespace himaya::attestation {
namespace {

// Why renderings take turns: a Pango font map and the fonts it has loaded are not safe to use
// from two threads at once (PangoFcFontMap's caches take no lock), and Pango's default font map
// is one per thread, which would load the fonts again in each thread of a server's pool. So one
// font map, made once, is used under this mutex. A certificate takes tens of milliseconds.
ABSL_CONST_INIT absl::Mutex render_mutex(absl::kConstInit);
PangoFontMap* shared_font_map ABSL_GUARDED_BY(render_mutex) = nullptr;
CertificateFonts* shared_fonts ABSL_GUARDED_BY(render_mutex) = nullptr;  // found once, kept

// A4 in points (1/72 in), the PDF surface's unit.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 40;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kColumnGap = 20;
constexpr double kColumnWidth = (kContentWidth - kColumnGap) / 2;
constexpr double kGap = 12;
constexpr double kFooterHeight = 18;
// The QR code with its quiet zone, 70 mm a side: the symbol of the longest text allowed
// (kMaxQrTextBytes: version 26, 121 modules and 8 of quiet zone) still gets 3.2 pixels a
// module on a page rendered at 150 dpi, 1.55 points on paper.
constexpr double kQrSide = 200;
constexpr double kQrTop = kPageHeight - kMargin - kFooterHeight - kQrSide;
constexpr double kCellPadding = 3;

constexpr double kLatinSize = 9.5;
constexpr double kArabicSize = 11.5;
constexpr double kArabicLineHeight = 0.75;

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;

enum class Script { kLatin, kArabic };

struct TextStyle {
  Script script = Script::kLatin;
  double size = kLatinSize;
  bool bold = false;
  PangoAlignment alignment = PANGO_ALIGN_LEFT;
};

TextStyle Latin(double size = kLatinSize, bool bold = false, PangoAlignment alignment = PANGO_ALIGN_LEFT) {
  return {Script::kLatin, size, bold, alignment};
}
// Arabic paragraphs run right to left and sit against the right edge of their box.
TextStyle Arabic(double size = kArabicSize, bool bold = false, PangoAlignment alignment = PANGO_ALIGN_RIGHT) {
  return {Script::kArabic, size, bold, alignment};
}

// Lays text out in the certificate's fonts: Latin text left to right in the Latin family,
// Arabic right to left in the Arabic one (Pango's bidi algorithm places numbers and Latin
// words inside an Arabic paragraph).
class Typesetter {
 public:
  Typesetter(cairo_t* cr, PangoFontMap* font_map, CertificateFonts fonts) : fonts_(std::move(fonts)) {
    for (auto [context, direction] : {std::pair{&ltr_, PANGO_DIRECTION_LTR}, {&rtl_, PANGO_DIRECTION_RTL}}) {
      context->reset(pango_font_map_create_context(font_map));
      pango_cairo_update_context(cr, context->get());
      // Font sizes in points on a surface whose unit is the point; metrics unhinted, as on paper.
      pango_cairo_context_set_resolution(context->get(), 72);
      cairo_font_options_t* options = cairo_font_options_create();
      cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options(context->get(), options);
      cairo_font_options_destroy(options);
      pango_context_set_base_dir(context->get(), direction);
      // Glyphs where the font puts them, not rounded to whole points: rounding moves Arabic
      // letters into or away from their neighbours, and a text extractor then cuts words in two.
      pango_context_set_round_glyph_positions(context->get(), FALSE);
    }
  }

  // `text` laid out in a box `width` wide, wrapped between words; its first `bold_bytes` bytes
  // in bold. From byte `whole_from` on, the text is not broken (an identifier: its hyphens would
  // otherwise let a line end inside it); the line may still end just before it.
  LayoutPtr Layout(absl::string_view text, double width, const TextStyle& style, size_t bold_bytes = 0,
                   size_t whole_from = absl::string_view::npos) const {
    const bool arabic = style.script == Script::kArabic;
    LayoutPtr layout(pango_layout_new(arabic ? rtl_.get() : ltr_.get()));
    // The paragraph's direction is the context's, not guessed from its first letter: an Arabic
    // line that starts with a number is still right to left.
    pango_layout_set_auto_dir(layout.get(), FALSE);
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, arabic ? fonts_.arabic_family.c_str() : fonts_.latin_family.c_str());
    pango_font_description_set_size(font, static_cast<int>(style.size * PANGO_SCALE));
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), style.alignment);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    PangoAttrList* attributes = pango_attr_list_new();
    if (bold_bytes > 0) {
      PangoAttribute* bold = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
      bold->start_index = 0;
      bold->end_index = static_cast<guint>(bold_bytes);
      pango_attr_list_insert(attributes, bold);
    }
    if (whole_from < text.size()) {
      // No break inside the identifier; the one before its first character stays allowed.
      PangoAttribute* whole = pango_attr_allow_breaks_new(FALSE);
      whole->start_index = static_cast<guint>(whole_from);
      whole->end_index = static_cast<guint>(text.size());
      pango_attr_list_insert(attributes, whole);
    }
    if (arabic) {
      // Amiri's lines are 1.75 em tall, room for stacked vowel marks the certificate's words do
      // not carry; three quarters of that is a line as tall as the Latin one beside it.
      pango_attr_list_insert(attributes, pango_attr_line_height_new(kArabicLineHeight));
      // Without kerning: Amiri tucks a letter under a ra or a zain before it, and text
      // extractors (pdftotext, a reader's copy and search) take the overlap for the end of a
      // word, cutting "مريم" in two. Joining and ligatures are untouched.
      pango_attr_list_insert(attributes, pango_attr_font_features_new("kern 0"));
    }
    pango_layout_set_attributes(layout.get(), attributes);
    pango_attr_list_unref(attributes);
    // An identifier too wide for a line of its own is wrapped after all, rather than overflowing
    // into the next column.
    if (whole_from < text.size() && Width(layout.get()) > width) {
      return Layout(text, width, style, bold_bytes);
    }
    return layout;
  }

  static double Width(PangoLayout* layout) {
    int width = 0, height = 0;
    pango_layout_get_size(layout, &width, &height);
    return static_cast<double>(width) / PANGO_SCALE;
  }

  static double Height(PangoLayout* layout) {
    int width = 0, height = 0;
    pango_layout_get_size(layout, &width, &height);
    return static_cast<double>(height) / PANGO_SCALE;
  }

 private:
  CertificateFonts fonts_;
  ContextPtr ltr_;
  ContextPtr rtl_;
};

struct Line {
  double x0, y0, x1, y1;
};
struct Shade {
  double x, y, width, height;
};

// A piece of a page laid out before it is placed: texts and rules at positions relative to
// its top, and its height. Laying out first lets the table be split into pages, and each page
// say how many there are, before anything is drawn.
struct Block {
  struct Text {
    LayoutPtr layout;
    double x, y;
  };
  std::vector<Text> texts;
  std::vector<Line> lines;
  std::vector<Shade> shades;
  double height = 0;

  // Adds `layout` at (x, y) and grows the block to hold it; returns its height.
  double Add(LayoutPtr layout, double x, double y) {
    double h = Typesetter::Height(layout.get());
    texts.push_back({std::move(layout), x, y});
    height = std::max(height, y + h);
    return h;
  }

  void Draw(cairo_t* cr, double top) const {
    cairo_set_source_rgb(cr, 0.92, 0.94, 0.96);
    for (const Shade& s : shades) cairo_rectangle(cr, s.x, top + s.y, s.width, s.height);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.55, 0.6, 0.65);
    cairo_set_line_width(cr, 0.5);
    for (const Line& l : lines) {
      cairo_move_to(cr, l.x0, top + l.y0);
      cairo_line_to(cr, l.x1, top + l.y1);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (const Text& t : texts) {
      cairo_move_to(cr, t.x, top + t.y);
      pango_cairo_show_layout(cr, t.layout.get());
    }
  }
};

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

std::string LatinName(const PersonNames& names) { return absl::StrCat(names.first_name, " ", names.last_name); }

// The Arabic names when the registry has them, else the Latin ones.
std::string ArabicName(const PersonNames& names) {
  if (names.first_name_ar.empty() && names.last_name_ar.empty()) return LatinName(names);
  if (names.first_name_ar.empty()) return names.last_name_ar;
  if (names.last_name_ar.empty()) return names.first_name_ar;
  return absl::StrCat(names.first_name_ar, " ", names.last_name_ar);
}

const char* FrenchRelationship(Relationship relationship) {
  return relationship == Relationship::kSpouse ? "Conjoint(e)" : "Enfant";
}
const char* ArabicRelationship(Relationship relationship) {
  return relationship == Relationship::kSpouse ? "الزوج(ة)" : "الطفل";
}

// The family table's columns, left to right on the page: four French ones, then two Arabic.
struct Column {
  double x, width;
  Script script;
};
constexpr double kTableLeft = kMargin;
const Column kColumns[] = {
    {kTableLeft, 62, Script::kLatin},                          // relationship
    {kTableLeft + 62, 130, Script::kLatin},                    // name
    {kTableLeft + 192, 62, Script::kLatin},                    // birth date
    {kTableLeft + 254, 88, Script::kLatin},                    // beneficiary id
    {kTableLeft + 342, 113, Script::kArabic},                  // name in Arabic
    {kTableLeft + 455, kContentWidth - 455, Script::kArabic},  // relationship in Arabic
};

// One row of the table: a cell per column, as tall as its tallest cell.
Block TableRow(const Typesetter& type, const std::vector<std::string>& cells, bool header) {
  Block row;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Column& column = kColumns[i];
    const double width = column.width - 2 * kCellPadding;
    TextStyle style =
        column.script == Script::kArabic ? Arabic(kArabicSize - 1, header) : Latin(kLatinSize - 0.5, header);
    row.Add(type.Layout(cells[i], width, style), column.x + kCellPadding, kCellPadding);
  }
  row.height += kCellPadding;
  if (header) row.shades.push_back({kTableLeft, 0, kContentWidth, row.height});
  row.lines.push_back({kTableLeft, row.height, kTableLeft + kContentWidth, row.height});
  return row;
}

// A row that spans the table: French on the left half, Arabic on the right.
Block SpanningRow(const Typesetter& type, absl::string_view french, absl::string_view arabic) {
  Block row;
  row.Add(type.Layout(french, kColumnWidth, Latin()), kMargin + kCellPadding, kCellPadding);
  row.Add(type.Layout(arabic, kColumnWidth, Arabic()), kMargin + kColumnWidth + kColumnGap - kCellPadding,
          kCellPadding);
  row.height += kCellPadding;
  row.lines.push_back({kTableLeft, row.height, kTableLeft + kContentWidth, row.height});
  return row;
}

class CertificateWriter {
 public:
  CertificateWriter(const AttestationDocument& document, const Typesetter& type) : d_(document), type_(type) {}

  // The first page's top: fund, title, statement, and the insured's particulars in French and
  // in Arabic side by side.
  Block Heading() const {
    Block b;
    const double right = kMargin + kColumnWidth + kColumnGap;
    const std::string& fund_ar = d_.fund_name_ar.empty() ? d_.fund_name : d_.fund_name_ar;
    double y = std::max(b.Add(type_.Layout(d_.fund_name, kColumnWidth, Latin(10, true)), kMargin, 0),
                        b.Add(type_.Layout(fund_ar, kColumnWidth, Arabic(12, true)), right, 0));
    y += 8;
    y += std::max(b.Add(type_.Layout("ATTESTATION D'IMMATRICULATION", kColumnWidth + 40, Latin(15, true)), kMargin, y),
                  b.Add(type_.Layout("شهادة التسجيل", kColumnWidth, Arabic(20, true)), right, y));
    y += 6;
    b.lines.push_back({kMargin, y, kMargin + kContentWidth, y});
    y += 8;
    y += std::max(
        b.Add(type_.Layout("La caisse atteste que l'assuré(e) ci-dessous est immatriculé(e) et couvert(e), avec les "
                           "membres de sa famille listés, à la date de délivrance.",
                           kColumnWidth, Latin()),
              kMargin, y),
        b.Add(type_.Layout("يشهد الصندوق بأن المؤمن له المذكور أدناه مسجل ومشمول بالتغطية، هو وأفراد أسرته "
                           "المذكورون، في تاريخ الإصدار.",
                           kColumnWidth, Arabic()),
              right, y));
    y += 8;
    const std::pair<std::string, std::string> french[] = {
        {"N° d'immatriculation", d_.registration_number},
        {"Assuré(e)", LatinName(d_.insured)},
        {"Régime", absl::StrCat(d_.program_label, " (", d_.program, ")")},
        {"Délivrée le", FormatDay(d_.issued_on)},
        {"Valable jusqu'au", FormatDay(d_.valid_until)},
        {"N° d'attestation", d_.attestation_id},
    };
    const std::pair<std::string, std::string> arabic[] = {
        {"رقم التسجيل", d_.registration_number},
        {"المؤمن له", ArabicName(d_.insured)},
        {"النظام",
         absl::StrCat(d_.program_label_ar.empty() ? d_.program_label : d_.program_label_ar, " (", d_.program, ")")},
        {"تاريخ الإصدار", FormatDay(d_.issued_on)},
        {"صالحة إلى غاية", FormatDay(d_.valid_until)},
        {"رقم الشهادة", d_.attestation_id},
    };
    for (size_t i = 0; i < std::size(french); ++i) {
      const std::string fr = absl::StrCat(french[i].first, " : ", french[i].second);
      const std::string ar = absl::StrCat(arabic[i].first, ": ", arabic[i].second);
      // The registration and attestation numbers are kept whole on their line.
      const bool number = french[i].second == d_.registration_number || french[i].second == d_.attestation_id;
      const size_t npos = absl::string_view::npos;
      y += std::max(b.Add(type_.Layout(fr, kColumnWidth, Latin(10), french[i].first.size(),
                                       number ? fr.size() - french[i].second.size() : npos),
                          kMargin, y),
                    b.Add(type_.Layout(ar, kColumnWidth, Arabic(12), arabic[i].first.size(),
                                       number ? ar.size() - arabic[i].second.size() : npos),
                          right, y)) +
           2;
    }
    b.height = y + kGap;
    return b;
  }

  // The table's title and its header row; `continued` on the pages after the first.
  Block TableHeading(bool continued) const {
    Block b;
    std::string french = absl::StrCat("Membres de la famille couverts au ", FormatDay(d_.issued_on));
    std::string arabic = absl::StrCat("أفراد الأسرة المشمولون بالتغطية في ", FormatDay(d_.issued_on));
    if (continued) {
      absl::StrAppend(&french, " (suite)");
      absl::StrAppend(&arabic, " (تابع)");
    }
    double y =
        std::max(b.Add(type_.Layout(french, kColumnWidth, Latin(10.5, true)), kMargin, 0),
                 b.Add(type_.Layout(arabic, kColumnWidth, Arabic(12, true)), kMargin + kColumnWidth + kColumnGap, 0)) +
        4;
    Block header = TableRow(type_, {"Lien", "Nom et prénom", "Né(e) le", "N° bénéficiaire", "الاسم الكامل", "القرابة"},
                            /*header=*/true);
    Append(b, std::move(header), y);
    b.lines.push_back({kTableLeft, y, kTableLeft + kContentWidth, y});
    return b;
  }

  std::vector<Block> Rows() const {
    std::vector<Block> rows;
    for (const FamilyMember& m : d_.members) {
      rows.push_back(TableRow(type_,
                              {FrenchRelationship(m.relationship), LatinName(m.names), FormatDay(m.birth_date),
                               m.beneficiary_id, ArabicName(m.names), ArabicRelationship(m.relationship)},
                              /*header=*/false));
    }
    if (rows.empty()) {
      rows.push_back(SpanningRow(type_, "Aucun ayant droit déclaré.", "لا يوجد ذوو حقوق مصرح بهم."));
    }
    return rows;
  }

  // The bottom of the first page: the QR code, centred, between how to verify it in French (left)
  // and in Arabic (right).
  Block Seal() const {
    Block b;
    const double side = (kContentWidth - kQrSide) / 2 - kGap;
    b.Add(type_.Layout(absl::StrCat("Valable du ", FormatDay(d_.issued_on), " au ", FormatDay(d_.valid_until),
                                    ".\nCette attestation se vérifie hors ligne : scannez le code QR, ou lancez "
                                    "« himaya attestation verify » sur ce fichier."),
                       side, Latin(9)),
          kMargin, kQrSide / 4);
    b.Add(type_.Layout(absl::StrCat("صالحة من ", FormatDay(d_.issued_on), " إلى ", FormatDay(d_.valid_until),
                                    ".\nيمكن التحقق من هذه الشهادة دون اتصال بالإنترنت بمسح رمز QR."),
                       side, Arabic(11)),
          kPageWidth - kMargin - side, kQrSide / 4);
    b.height = kQrSide;
    return b;
  }

  Block Footer(int page, int pages) const {
    Block b;
    b.Add(type_.Layout(absl::StrCat(page, "/", pages), kContentWidth, Latin(8, false, PANGO_ALIGN_CENTER)), kMargin, 4);
    return b;
  }

 private:
  // Moves `part` into `into` at `y`.
  static void Append(Block& into, Block part, double y) {
    for (Block::Text& t : part.texts) into.texts.push_back({std::move(t.layout), t.x, t.y + y});
    for (const Line& l : part.lines) into.lines.push_back({l.x0, l.y0 + y, l.x1, l.y1 + y});
    for (const Shade& s : part.shades) into.shades.push_back({s.x, s.y + y, s.width, s.height});
    into.height = std::max(into.height, y + part.height);
  }

  const AttestationDocument& d_;
  const Typesetter& type_;
};

// Draws `symbol` with its quiet zone in a white square of `side` at (x, y): the dark modules as
// one path of squares (runs of a row merged), filled once, so that no seam shows between
// neighbours when the page is rasterised.
void DrawQrSymbol(cairo_t* cr, const QrSymbol& symbol, double x, double y, double side) {
  const int modules = symbol.width + 2 * kQrQuietZoneModules;
  const double module = side / modules;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, side, side);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int row = 0; row < symbol.width; ++row) {
    for (int column = 0; column < symbol.width;) {
      if (!symbol.IsDark(column, row)) {
        ++column;
        continue;
      }
      int end = column;
      while (end < symbol.width && symbol.IsDark(end, row)) ++end;
      cairo_rectangle(cr, x + (column + kQrQuietZoneModules) * module, y + (row + kQrQuietZoneModules) * module,
                      (end - column) * module, module);
      column = end;
    }
  }
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill(cr);
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

absl::StatusOr<std::string> Render(const AttestationDocument& document, const QrSymbol& symbol, PangoFontMap* font_map,
                                   const CertificateFonts& fonts) {
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(&AppendToString, &pdf, kPageWidth, kPageHeight);
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface_owner(surface, &cairo_surface_destroy);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Attestation d'immatriculation");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "himaya");
  // The same certificate gives the same bytes: its date is the day it is issued, not the clock.
  const std::string created = absl::StrFormat("%04d-%02d-%02dT00:00:00Z", document.issued_on.year(),
                                              document.issued_on.month(), document.issued_on.day());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface), &cairo_destroy);

  {
    Typesetter type(cr.get(), font_map, fonts);
    CertificateWriter writer(document, type);
    Block heading = writer.Heading();
    Block first_table_heading = writer.TableHeading(false);
    Block next_table_heading = writer.TableHeading(true);
    std::vector<Block> rows = writer.Rows();
    Block seal = writer.Seal();

    // The rows on each page: as many as fit above the QR code on the first, above the footer
    // on the next ones.
    std::vector<std::vector<const Block*>> pages(1);
    double y = kMargin + heading.height + first_table_heading.height;
    double limit = kQrTop - kGap;
    for (const Block& row : rows) {
      if (y + row.height > limit && !pages.back().empty()) {
        pages.emplace_back();
        y = kMargin + next_table_heading.height;
        limit = kPageHeight - kMargin - kFooterHeight;
      }
      pages.back().push_back(&row);
      y += row.height;
    }

    for (size_t p = 0; p < pages.size(); ++p) {
      double top = kMargin;
      if (p == 0) {
        heading.Draw(cr.get(), top);
        top += heading.height;
      }
      const Block& table_heading = p == 0 ? first_table_heading : next_table_heading;
      table_heading.Draw(cr.get(), top);
      top += table_heading.height;
      for (const Block* row : pages[p]) {
        row->Draw(cr.get(), top);
        top += row->height;
      }
      if (p == 0) {
        seal.Draw(cr.get(), kQrTop);
        DrawQrSymbol(cr.get(), symbol, kMargin + (kContentWidth - kQrSide) / 2, kQrTop, kQrSide);
      }
      writer.Footer(static_cast<int>(p + 1), static_cast<int>(pages.size()))
          .Draw(cr.get(), kPageHeight - kMargin - kFooterHeight);
      cairo_show_page(cr.get());
    }
  }
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("cairo: ", cairo_status_to_string(cairo_status(cr.get()))));
  }
  cr.reset();
  cairo_surface_finish(surface);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("cairo PDF surface: ", cairo_status_to_string(cairo_surface_status(surface))));
  }
  return pdf;
}

}  // namespace

absl::StatusOr<std::string> RenderAttestationPdf(const AttestationDocument& document) {
  RETURN_IF_ERROR(CheckAttestationDocument(document));
  ASSIGN_OR_RETURN(QrSymbol symbol, EncodeQrSymbol(document.qr_text));
  absl::MutexLock lock(&render_mutex);
  if (shared_fonts == nullptr) {
    ASSIGN_OR_RETURN(CertificateFonts fonts, FindCertificateFonts());
    shared_fonts = new CertificateFonts(std::move(fonts));
    shared_font_map = pango_cairo_font_map_new();
  }
  return Render(document, symbol, shared_font_map, *shared_fonts);
}

}  // namespace himaya::attestation
