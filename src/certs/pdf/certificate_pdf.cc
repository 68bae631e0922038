#include "certs/pdf/certificate_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "certs/pdf/qr_symbol.h"
#include "certs/qr/qr_render.h"

namespace vaxreg::certs {
namespace {

// A4 in PDF points (1/72 inch); all drawing is in points.
constexpr double kPageWidth = 595.28;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 42.5;  // 15 mm
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kMm = 72.0 / 25.4;
// Each QR symbol (without its quiet zone) is 60 mm wide: an HC1 certificate at level Q is a
// version 17-18 symbol, so modules are 0.67-0.7 mm, which phone cameras read from paper and from
// photocopies; a SMART Health Card at level L (version 15-22) gets 0.57-0.78 mm modules.
constexpr double kQrSize = 60 * kMm;
constexpr int kQrQuietModules = 4;

// Longest text kept per field, in bytes (cut at a character boundary, with an ellipsis).
constexpr size_t kMaxNameBytes = 160;
constexpr size_t kMaxFieldBytes = 120;
constexpr size_t kMaxLotBytes = 40;

constexpr char kFonts[] = "Noto Sans, DejaVu Sans";

struct Rgb {
  double r, g, b;
};
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kGrey{0.33, 0.33, 0.33};
constexpr Rgb kRule{0.6, 0.6, 0.6};

// Valid UTF-8, control characters as spaces, at most `max_bytes` bytes.
std::string Clean(std::string_view text, size_t max_bytes) {
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string s(valid);
  g_free(valid);
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  if (s.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    s += "…";
  }
  return s;
}

std::string DobText(std::string_view dob) {
  if (dob.size() == 10 && dob[4] == '-' && dob[7] == '-') {
    return Clean(std::string(dob.substr(8, 2)) + "/" + std::string(dob.substr(5, 2)) + "/" +
                     std::string(dob.substr(0, 4)),
                 16);
  }
  return Clean(dob, 16);
}

std::string_view StatusText(PrintedStatus s) {
  switch (s) {
    case PrintedStatus::kPartlyVaccinated:
      return "Chưa tiêm đủ liều cơ bản / Partly vaccinated (primary series not complete)";
    case PrintedStatus::kFullyVaccinated:
      return "Đã tiêm đủ liều cơ bản / Fully vaccinated (primary series complete)";
    case PrintedStatus::kBoosted:
      return "Đã tiêm đủ liều cơ bản và liều nhắc lại / Fully vaccinated, with booster";
  }
  return "";
}

std::string IdentityText(const CertificatePdfInput& in) {
  if (in.id_kind == IdentityKind::kNone || in.id_number.empty()) return "—";
  std::string kind;
  switch (in.id_kind) {
    case IdentityKind::kCccd:
      kind = "CCCD";
      break;
    case IdentityKind::kCmnd:
      kind = "CMND";
      break;
    case IdentityKind::kPassport:
      kind = "Hộ chiếu / Passport";
      break;
    case IdentityKind::kNone:
      break;
  }
  // Masked byte by byte; identity numbers are ASCII, and Clean keeps the result valid UTF-8.
  return kind + "  " + Clean(MaskIdentityNumber(Clean(in.id_number, 32)), 40);
}

struct Style {
  double size = 10;
  bool bold = false;
  Rgb colour = kBlack;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  int max_lines = 2;
};

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
void UnrefObject(void* p) { g_object_unref(p); }
using LayoutPtr = std::unique_ptr<PangoLayout, Deleter<void, UnrefObject>>;
using ContextPtr = std::unique_ptr<PangoContext, Deleter<void, UnrefObject>>;
using FontPtr = std::unique_ptr<PangoFontDescription,
                                Deleter<PangoFontDescription, pango_font_description_free>>;
using SurfacePtr =
    std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using CairoPtr = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;

// Draws text boxes and rules on one page through one pango context (resolution 72 dpi, so a
// font size is in points; metrics unhinted, so the PDF and a PNG of any resolution lay out
// alike). The context comes from the calling thread's own font map (pango keeps one per
// thread), so fonts load once per thread. While measuring, nothing is drawn and only heights
// are returned.
class Page {
 public:
  explicit Page(cairo_t* cr) : cr_(cr), context_(pango_cairo_create_context(cr)) {
    pango_cairo_context_set_resolution(context_.get(), 72);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_.get(), options);
    cairo_font_options_destroy(options);
    for (int bold = 0; bold < 2; ++bold) {
      fonts_[bold].reset(pango_font_description_from_string(kFonts));
      pango_font_description_set_weight(fonts_[bold].get(),
                                        bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    }
  }

  cairo_t* cr() const { return cr_; }
  bool measuring() const { return measuring_; }
  void set_measuring(bool m) { measuring_ = m; }

  // Draws `text` in a box `width` points wide with its top at `y`; returns the height used.
  double Text(std::string_view text, double x, double y, double width, const Style& style) {
    LayoutPtr layout(pango_layout_new(context_.get()));
    PangoFontDescription* font = fonts_[style.bold ? 1 : 0].get();
    pango_font_description_set_size(font, static_cast<int>(style.size * PANGO_SCALE));
    pango_layout_set_font_description(layout.get(), font);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height(layout.get(), -style.max_lines);
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(layout.get(), style.align);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    if (!measuring_) {
      unknown_glyphs_ += pango_layout_get_unknown_glyphs_count(layout.get());
      cairo_set_source_rgb(cr_, style.colour.r, style.colour.g, style.colour.b);
      cairo_move_to(cr_, x, y);
      pango_cairo_show_layout(cr_, layout.get());
    }
    PangoRectangle logical;
    pango_layout_get_extents(layout.get(), nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }

  // A bilingual label over its value; returns the height used.
  double Field(std::string_view label, std::string_view value, double x, double y, double width,
               const Style& value_style) {
    double h = Text(label, x, y, width, {.size = 8, .colour = kGrey, .max_lines = 1});
    h += 1.5;
    h += Text(value, x, y + h, width, value_style);
    return h;
  }

  // A horizontal rule at `y`, `width` points long from the left margin.
  void Rule(double y, double width = kContentWidth) {
    if (measuring_) return;
    cairo_set_source_rgb(cr_, kRule.r, kRule.g, kRule.b);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, kMargin, y);
    cairo_line_to(cr_, kMargin + width, y);
    cairo_stroke(cr_);
  }

  int unknown_glyphs() const { return unknown_glyphs_; }

 private:
  cairo_t* cr_;
  ContextPtr context_;
  FontPtr fonts_[2];
  bool measuring_ = false;
  int unknown_glyphs_ = 0;
};

// Lays out a part of the page without drawing it; returns its height.
template <typename Part>
double Measure(Page& page, const Part& part) {
  page.set_measuring(true);
  const double h = part();
  page.set_measuring(false);
  return h;
}

// The QR symbol with its top-left corner at (x, y), `size` points wide, on a white quiet zone
// (the modules as DrawQrSymbol draws them).
void DrawQr(cairo_t* cr, const QrMatrix& qr, double x, double y, double size) {
  const double m = size / qr.width;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x - kQrQuietModules * m, y - kQrQuietModules * m,
                  size + 2 * kQrQuietModules * m, size + 2 * kQrQuietModules * m);
  cairo_fill(cr);
  DrawQrSymbol(cr, qr, x, y, size);
}

// The width of a QR box: the symbol and its quiet zone.
double QrBoxWidth(const QrMatrix& qr) { return kQrSize + 2 * kQrQuietModules * kQrSize / qr.width; }

Status CheckInput(const CertificatePdfInput& in) {
  if (in.full_name.empty()) return InvalidArgumentError("the certificate has no holder name");
  if (in.hc1.empty()) return InvalidArgumentError("the certificate has no QR text");
  if (in.doses.empty()) return InvalidArgumentError("the certificate lists no dose");
  return Status::Ok();
}

constexpr double kX = kMargin;
constexpr double kW = kContentWidth;

// The issuer and the title in both languages; returns the y below them.
double DrawHeading(Page& page, double y) {
  y += page.Text("Bộ Y tế / Ministry of Health, Viet Nam", kX, y, kW,
                 {.size = 10, .colour = kGrey, .align = PANGO_ALIGN_CENTER, .max_lines = 1});
  y += 6;
  y += page.Text("GIẤY CHỨNG NHẬN TIÊM CHỦNG COVID-19", kX, y, kW,
                 {.size = 18, .bold = true, .align = PANGO_ALIGN_CENTER, .max_lines = 1});
  y += page.Text("COVID-19 VACCINATION CERTIFICATE", kX, y, kW,
                 {.size = 14, .bold = true, .align = PANGO_ALIGN_CENTER, .max_lines = 1});
  y += 8;
  page.Rule(y);
  return y + 12;
}

// The holder (left) beside the QR code (right); returns the y below both.
double DrawHolder(Page& page, const CertificatePdfInput& in, const QrMatrix& qr, double top) {
  cairo_t* cr = page.cr();
  const double module = kQrSize / qr.width;
  const double qr_box = QrBoxWidth(qr);
  const double qr_x = kX + kW - qr_box;
  const double left_w = kW - qr_box - 18;
  const Style value{.size = 12};
  double y = top;
  y += page.Field("Họ và tên / Name", Clean(in.full_name, kMaxNameBytes), kX, y, left_w,
                  {.size = 15, .bold = true}) +
       10;
  y += page.Field("Ngày sinh / Date of birth (dd/mm/yyyy)", DobText(in.date_of_birth), kX, y,
                  left_w, value) +
       10;
  y += page.Field("Giấy tờ tùy thân / Identity document", IdentityText(in), kX, y, left_w, value) +
       10;
  // The status in a box tinted green (complete) or yellow (partly), as the portal shows it.
  y += page.Text("Tình trạng tiêm chủng / Vaccination status", kX, y, left_w,
                 {.size = 8, .colour = kGrey, .max_lines = 1}) +
       3;
  const Style status_style{.size = 11, .bold = true};
  const double status_h = Measure(page, [&] {
    return page.Text(StatusText(in.status), kX + 8, y + 6, left_w - 16, status_style);
  });
  const bool complete = in.status != PrintedStatus::kPartlyVaccinated;
  cairo_rectangle(cr, kX, y, left_w, status_h + 12);
  const Rgb tint = complete ? Rgb{0.89, 0.96, 0.91} : Rgb{1.0, 0.96, 0.80};
  const Rgb edge = complete ? Rgb{0.12, 0.48, 0.20} : Rgb{0.54, 0.43, 0.0};
  cairo_set_source_rgb(cr, tint.r, tint.g, tint.b);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, edge.r, edge.g, edge.b);
  cairo_set_line_width(cr, 1.2);
  cairo_stroke(cr);
  page.Text(StatusText(in.status), kX + 8, y + 6, left_w - 16, status_style);
  y += status_h + 12;

  const double quiet = kQrQuietModules * module;
  DrawQr(cr, qr, qr_x + quiet, top + quiet, kQrSize);
  double qr_y = top + qr_box + 2;
  qr_y += page.Text("Mã QR chứng nhận EU DCC / EU DCC QR code", qr_x, qr_y, qr_box,
                    {.size = 8, .colour = kGrey, .align = PANGO_ALIGN_CENTER, .max_lines = 1});
  return std::max(y, qr_y) + 10;
}

// The dose table: the newest rows that fit above `bottom` (at most kMaxPdfDoseRows), oldest
// first, and a line counting the doses left out. Returns the y below it.
double DrawDoses(Page& page, const CertificatePdfInput& in, double y, double bottom) {
  y += page.Text("Các mũi đã tiêm / Doses received", kX, y, kW, {.size = 11, .bold = true}) + 4;
  struct Column {
    const char* label;  // Vietnamese, a line break, English
    double width;       // 0: the rest
  };
  static constexpr Column kColumns[] = {{"Mũi\nDose", 38},
                                        {"Ngày tiêm\nDate", 68},
                                        {"Vắc xin\nVaccine", 130},
                                        {"Số lô\nLot", 70},
                                        {"Cơ sở tiêm chủng\nVaccination facility", 0}};
  constexpr int kCount = 5;
  double col_x[kCount];
  double col_w[kCount];
  double cx = kX;
  for (int i = 0; i < kCount; ++i) {
    col_x[i] = cx;
    col_w[i] = kColumns[i].width > 0 ? kColumns[i].width : kX + kW - cx;
    cx += col_w[i];
  }
  double header_h = 0;
  for (int i = 0; i < kCount; ++i) {
    header_h = std::max(header_h, page.Text(kColumns[i].label, col_x[i] + 3, y + 3, col_w[i] - 6,
                                            {.size = 8, .bold = true}));
  }
  y += header_h + 6;
  page.Rule(y);

  const auto row = [&](const CertificatePdfDose& d, double row_y) {
    const std::string cells[kCount] = {
        std::to_string(d.number), FormatDayDmy(d.date), Clean(d.vaccine, kMaxFieldBytes),
        d.lot.empty() ? "—" : Clean(d.lot, kMaxLotBytes),
        d.facility.empty() ? "—" : Clean(d.facility, kMaxFieldBytes)};
    double h = 0;
    for (int c = 0; c < kCount; ++c) {
      h = std::max(h, page.Text(cells[c], col_x[c] + 3, row_y + 3, col_w[c] - 6,
                                {.size = 9.5, .max_lines = 2}));
    }
    page.Rule(row_y + h + 6);
    return h + 6;
  };
  const size_t total = in.doses.size();
  const double more_h = 20;  // the "+N" line, when needed
  size_t fit = 0;
  double used = 0;
  while (fit < std::min(total, static_cast<size_t>(kMaxPdfDoseRows))) {
    const double h = Measure(page, [&] { return row(in.doses[total - 1 - fit], 0); });
    const double reserve = fit + 1 < total ? more_h : 0;
    if (y + used + h + reserve > bottom) break;
    used += h;
    ++fit;
  }
  for (size_t i = total - fit; i < total; ++i) y += row(in.doses[i], y);
  if (fit < total) {
    const std::string more = "+" + std::to_string(total - fit);
    y += 3;
    y += page.Text(more + " mũi tiêm trước đó không in trên trang này / " + more +
                       " earlier doses not printed on this page",
                   kX, y, kW, {.size = 8.5, .colour = kGrey, .max_lines = 1});
  }
  return y + 14;
}

// The certificate's identifier, dates and issuer, how to verify, and why the number is masked;
// at the right, the SMART Health Card's QR code when there is one. Returns the y below it.
double DrawFooter(Page& page, const CertificatePdfInput& in, const QrMatrix* shc, double top) {
  // With a card, the text takes what the card's QR box leaves.
  const double shc_box = shc != nullptr ? QrBoxWidth(*shc) : 0;
  const double text_w = shc != nullptr ? kContentWidth - shc_box - 14 : kContentWidth;
  double y = top;
  y += page.Field("Mã định danh chứng nhận / Unique certificate identifier (UVCI)",
                  Clean(in.uvci, kMaxFieldBytes), kX, y, text_w, {.size = 10, .max_lines = 1}) +
       8;
  // The two dates and the issuer side by side; beside a card's QR code the issuer goes below
  // the dates, so no label is cut.
  const bool narrow = shc != nullptr;
  const double date_w = narrow ? text_w / 2 : text_w * 0.27;
  const Style value{.size = 12};
  double h =
      page.Field("Ngày cấp / Issued on", FormatDayDmy(in.issued_on), kX, y, date_w - 8, value);
  h = std::max(h, page.Field("Có giá trị đến / Valid until", FormatDayDmy(in.valid_until),
                             kX + date_w, y, date_w - 8, value));
  const char* kIssuer = "Bộ Y tế / Ministry of Health, Viet Nam";
  if (narrow) {
    y += h + 6;
    h = page.Field("Cơ quan cấp / Issued by", kIssuer, kX, y, text_w, {.size = 11});
  } else {
    h = std::max(h, page.Field("Cơ quan cấp / Issued by", kIssuer, kX + 2 * date_w, y,
                               text_w - 2 * date_w, {.size = 11}));
  }
  y += h + 10;
  page.Rule(y, text_w);
  y += 7;
  const std::string where = Clean(in.verify_address, kMaxFieldBytes);
  y += page.Text("Kiểm tra chứng nhận: quét mã QR tại trang " + where +
                     " của cổng thông tin tiêm chủng, hoặc bằng ứng dụng kiểm tra chứng nhận "
                     "EU DCC hay SMART Health Card bất kỳ. Chỉ mã QR có chữ ký hợp lệ mới có "
                     "giá trị.",
                 kX, y, text_w, {.size = 8.5, .max_lines = 5}) +
       3;
  y += page.Text("To verify: scan a QR code at the vaccination portal's " + where +
                     " page, or with any EU DCC or SMART Health Card verifier app. Only a QR "
                     "code with a valid signature is proof.",
                 kX, y, text_w, {.size = 8.5, .max_lines = 5}) +
       5;
  y += page.Text(
      "Số giấy tờ được che một phần để bảo vệ thông tin cá nhân. / The identity number "
      "is partly hidden to protect personal data.",
      kX, y, text_w, {.size = 7.5, .colour = kGrey, .max_lines = 3});
  if (shc == nullptr) return y;
  const double qr_x = kX + kContentWidth - shc_box;
  const double quiet = kQrQuietModules * kQrSize / shc->width;
  if (!page.measuring()) DrawQr(page.cr(), *shc, qr_x + quiet, top + quiet, kQrSize);
  double qr_y = top + shc_box + 2;
  qr_y += page.Text("Mã QR SMART Health Card / SMART Health Card QR code", qr_x, qr_y, shc_box,
                    {.size = 8, .colour = kGrey, .align = PANGO_ALIGN_CENTER, .max_lines = 2});
  return std::max(y, qr_y);
}

// Draws the whole page (in points) on `cr`. kFailedPrecondition when a glyph is missing.
Status DrawPage(cairo_t* cr, const CertificatePdfInput& in, const QrMatrix& qr,
                const QrMatrix* shc) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  Page page(cr);
  double y = DrawHeading(page, kMargin);
  y = DrawHolder(page, in, qr, y);
  // The footer goes below the table; the table gets what the footer leaves of the page.
  const double footer_h = Measure(page, [&] { return DrawFooter(page, in, shc, 0); });
  y = DrawDoses(page, in, y, kPageHeight - kMargin - footer_h);
  DrawFooter(page, in, shc, y);
  if (page.unknown_glyphs() > 0) {
    return FailedPreconditionError(
        "no installed font can draw the certificate's text (install fonts-noto-core or "
        "fonts-dejavu-core)");
  }
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    return InternalError(std::string("drawing the certificate failed: ") +
                         cairo_status_to_string(cairo_status(cr)));
  }
  return Status::Ok();
}

// Appends to a string, refusing to grow it past `cap`.
struct Sink {
  explicit Sink(size_t c) : cap(c) {}
  size_t cap;
  std::string out;
  bool over = false;
};

cairo_status_t WriteToSink(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<Sink*>(closure);
  if (sink->out.size() + length > sink->cap) {
    sink->over = true;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  sink->out.append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The page's QR symbols: the DCC's at level Q, the SHC's (when the certificate has one) at
// level L as its specification fixes.
struct Symbols {
  QrMatrix dcc;
  std::optional<QrMatrix> shc;
  const QrMatrix* shc_or_null() const { return shc ? &*shc : nullptr; }
};

Result<Symbols> EncodeSymbols(const CertificatePdfInput& in) {
  Symbols out;
  ASSIGN_OR_RETURN(out.dcc, EncodeQrMatrix(in.hc1));
  if (!in.shc_qr.empty()) {
    ASSIGN_OR_RETURN(out.shc, EncodeQrMatrix(in.shc_qr, {.low_error_correction = true}));
  }
  return out;
}

Result<std::string> Finish(cairo_surface_t* surface, const Sink& sink, const char* what) {
  if (sink.over)
    return ResourceExhaustedError(std::string("the certificate ") + what + " is too large");
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    return InternalError(std::string("writing the certificate ") + what +
                         " failed: " + cairo_status_to_string(cairo_surface_status(surface)));
  }
  return sink.out;
}

}  // namespace

std::string MaskIdentityNumber(std::string_view number) {
  const size_t shown = number.size() >= 8 ? 4 : number.size() / 2;
  return std::string(number.size() - shown, '*') +
         std::string(number.substr(number.size() - shown));
}

std::string FormatDayDmy(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  return buf;
}

Result<std::string> RenderCertificatePdf(const CertificatePdfInput& input) {
  RETURN_IF_ERROR(CheckInput(input));
  ASSIGN_OR_RETURN(Symbols qr, EncodeSymbols(input));
  Sink sink(kMaxCertificatePdfBytes);
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(WriteToSink, &sink, kPageWidth, kPageHeight));
  cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
  // Metadata names no one: file indexes and print queues see only what the document is. The
  // creation date is the issue date, so a copy does not record when it was printed.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 "Giấy chứng nhận tiêm chủng COVID-19 / COVID-19 vaccination "
                                 "certificate");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR,
                                 "Bộ Y tế / Ministry of Health, Viet Nam");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "vaxreg");
  const std::chrono::year_month_day issued(input.issued_on);
  char date[32];
  std::snprintf(date, sizeof date, "%04d-%02u-%02uT00:00:00+07:00", static_cast<int>(issued.year()),
                static_cast<unsigned>(issued.month()), static_cast<unsigned>(issued.day()));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, date);
  {
    CairoPtr cr(cairo_create(surface.get()));
    RETURN_IF_ERROR(DrawPage(cr.get(), input, qr.dcc, qr.shc_or_null()));
    cairo_show_page(cr.get());
  }
  cairo_surface_finish(surface.get());
  return Finish(surface.get(), sink, "PDF");
}

Result<std::string> RenderCertificatePng(const CertificatePdfInput& input, double dots_per_inch) {
  if (!(dots_per_inch >= 72 && dots_per_inch <= 300)) {
    return InvalidArgumentError("the resolution must be 72..300 dots per inch");
  }
  RETURN_IF_ERROR(CheckInput(input));
  ASSIGN_OR_RETURN(Symbols qr, EncodeSymbols(input));
  const double scale = dots_per_inch / 72.0;
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                static_cast<int>(kPageWidth * scale + 0.5),
                                                static_cast<int>(kPageHeight * scale + 0.5)));
  {
    CairoPtr cr(cairo_create(surface.get()));
    cairo_scale(cr.get(), scale, scale);
    RETURN_IF_ERROR(DrawPage(cr.get(), input, qr.dcc, qr.shc_or_null()));
  }
  cairo_surface_flush(surface.get());
  Sink sink(4 * kMaxCertificatePdfBytes);
  const cairo_status_t st = cairo_surface_write_to_png_stream(surface.get(), WriteToSink, &sink);
  if (st != CAIRO_STATUS_SUCCESS && !sink.over) {
    return InternalError(std::string("writing the certificate PNG failed: ") +
                         cairo_status_to_string(st));
  }
  return Finish(surface.get(), sink, "PNG");
}

}  // namespace vaxreg::certs
