// The printable certificate: a one-page A4 PDF whose text (read back by poppler's pdftotext)
// keeps Vietnamese diacritics and both languages, never shows the whole identity number, and
// whose QR codes (the EU DCC's and, when there is one, the SMART Health Card's) decode back
// (zxing-cpp) both from the page rasterised by cairo and from the PDF itself rasterised by
// poppler's pdftoppm, at 60 mm across.

#define ZX_USE_UTF8 1
#include "certs/pdf/certificate_pdf.h"

#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>
#include <cairo.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "certs/codec/base45.h"
#include "certs/qr/qr_render.h"
#include "certs/qr_image.h"
#include "certs/shc/numeric.h"

// Under LeakSanitizer (preset asan-ubsan): fontconfig keeps the patterns of the fonts cairo loads
// for the life of the process, about 30 KB once per font and size, not per page (measured with
// valgrind over 1 and 6 renders).
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
using std::chrono::sys_days;
using namespace std::chrono_literals;

// An HC1 text of a real certificate's size (~370 bytes of COSE -> ~560 base45 characters).
std::string SampleHc1() {
  std::mt19937 rng(20210801);
  std::string bytes(372, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return "HC1:" + Base45Encode(bytes);
}

sys_days Day(int y, unsigned m, unsigned d) {
  return sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

CertificatePdfInput SampleInput(int doses = 3) {
  CertificatePdfInput in;
  in.full_name = "Nguyễn Thị Ánh Tuyết";
  in.date_of_birth = "1990-04-12";
  in.id_kind = IdentityKind::kCccd;
  in.id_number = "001190012345";
  in.status = PrintedStatus::kBoosted;
  for (int i = 0; i < doses; ++i) {
    in.doses.push_back({i + 1, Day(2021, 8, 1) + std::chrono::days(28 * i),
                        "Comirnaty (Pfizer-BioNTech)", "FK" + std::to_string(1000 + i),
                        "Bệnh viện Bạch Mai"});
  }
  in.hc1 = SampleHc1();
  in.uvci = "URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWXYZ#7";
  in.issued_on = Day(2022, 1, 15);
  in.valid_until = Day(2023, 1, 15);
  return in;
}

// The QR text of a SMART Health Card of a typical size: a compact JWS of ~900 characters
// ("shc:/" and ~1,800 digits, a version 19-20 symbol at level L).
std::string SampleShcQr() {
  static constexpr char kBase64Url[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::mt19937 rng(20211001);
  std::string jws;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) jws += '.';
    for (int i = 0; i < (part == 1 ? 720 : 86); ++i) jws += kBase64Url[rng() % 64];
  }
  return shc::EncodeShcNumeric(jws).value();
}

// A scratch folder, removed afterwards.
class CertificatePdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg_pdf_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Save(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  // Runs a poppler tool (arguments are our own file names) and returns its standard output;
  // fails the test when it cannot run (scripts/install-deps.sh installs poppler-utils).
  std::string Run(const std::string& command) {
    const std::string out_file = (dir_ / "tool.out").string();
    const int rc = std::system((command + " > '" + out_file + "' 2>&1").c_str());
    std::ifstream in(out_file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0)
        << command << " failed (is poppler-utils installed?): " << ss.str();
    return ss.str();
  }

  // The page's text with every run of white space (line ends too) as one space.
  std::string PdfText(const std::string& pdf) {
    const std::string raw = Run("pdftotext -enc UTF-8 '" + Save("cert.pdf", pdf) + "' -");
    std::string text;
    for (char c : raw) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
      if (!space) {
        text += c;
      } else if (!text.empty() && text.back() != ' ') {
        text += ' ';
      }
    }
    return text;
  }

  // The page as poppler's pdftoppm rasterises it at `dpi`, as a PNG.
  std::string RasterisePdf(const std::string& pdf, int dpi) {
    const std::string file = Save("raster.pdf", pdf);
    Run("pdftoppm -r " + std::to_string(dpi) + " -png -singlefile '" + file + "' '" +
        (dir_ / "raster").string() + "'");
    std::ifstream in(dir_ / "raster.png", std::ios::binary);
    std::stringstream png;
    png << in.rdbuf();
    return png.str();
  }

  // pdfinfo says the PDF has exactly one page.
  bool OnePage(const std::string& pdf, const std::string& name) {
    const std::string info = Run("pdfinfo '" + Save(name, pdf) + "'");
    const bool one = std::regex_search(info, std::regex("\nPages: +1\n"));
    EXPECT_TRUE(one) << info;
    return one;
  }

  fs::path dir_;
};

// The QR code in a PNG: its text, and the distance between its top corners in pixels.
struct FoundQr {
  std::string text;
  double width_px = 0;
};

std::vector<FoundQr> FindQrs(const std::string& png) {
  struct Reader {
    const std::string* data;
    size_t at = 0;
  } reader{&png};
  cairo_surface_t* image = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* out, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->at + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
        std::memcpy(out, r->data->data() + r->at, length);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  EXPECT_EQ(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
  const int w = cairo_image_surface_get_width(image);
  const int h = cairo_image_surface_get_height(image);
  const int stride = cairo_image_surface_get_stride(image);
  const unsigned char* px = cairo_image_surface_get_data(image);
  std::vector<uint8_t> grey(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint32_t v;
      std::memcpy(&v, px + static_cast<size_t>(y) * stride + 4 * x, 4);
      const uint32_t sum = (v >> 16 & 0xff) + (v >> 8 & 0xff) + (v & 0xff);
      grey[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>(sum / 3);
    }
  }
  cairo_surface_destroy(image);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  std::vector<FoundQr> found;
  for (const ZXing::Result& r :
       ZXing::ReadBarcodes(ZXing::ImageView(grey.data(), w, h, ZXing::ImageFormat::Lum), hints)) {
    if (!r.isValid()) continue;
    const auto& p = r.position();
    found.push_back(
        {r.text(), std::hypot(p.topRight().x - p.topLeft().x, p.topRight().y - p.topLeft().y)});
  }
  return found;
}

// The one QR code on a page (empty text when there is none or more than one).
FoundQr FindQr(const std::string& png) {
  std::vector<FoundQr> all = FindQrs(png);
  return all.size() == 1 ? all[0] : FoundQr{};
}

TEST_F(CertificatePdfTest, OnePageA4WithBothLanguagesAndTheNameIntact) {
  const CertificatePdfInput in = SampleInput();
  Result<std::string> pdf = RenderCertificatePdf(in);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
  EXPECT_LT(pdf->size(), kMaxCertificatePdfBytes);

  EXPECT_TRUE(OnePage(*pdf, "info.pdf"));
  const std::string info = Run("pdfinfo '" + Save("info.pdf", *pdf) + "'");
  EXPECT_NE(info.find("595.28 x 841.89 pts (A4)"), std::string::npos) << info;
  // The metadata names no one.
  EXPECT_EQ(info.find("Nguy"), std::string::npos) << info;

  const std::string text = PdfText(*pdf);
  for (const char* expected : {"Nguyễn Thị Ánh Tuyết",
                               "GIẤY CHỨNG NHẬN TIÊM CHỦNG COVID-19",
                               "COVID-19 VACCINATION CERTIFICATE",
                               "Họ và tên / Name",
                               "Ngày sinh / Date of birth",
                               "12/04/1990",
                               "Tình trạng tiêm chủng / Vaccination status",
                               "Fully vaccinated, with booster",
                               "Đã tiêm đủ liều cơ bản và liều nhắc lại",
                               "Bệnh viện Bạch Mai",
                               "01/08/2021",
                               "29/08/2021",
                               "26/09/2021",
                               "FK1000",
                               "FK1002",
                               "Comirnaty",
                               "URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWXYZ#7",
                               "15/01/2022",
                               "15/01/2023",
                               "Bộ Y tế / Ministry of Health, Viet Nam",
                               "Ngày cấp / Issued on",
                               "Có giá trị đến / Valid until",
                               "/verify",
                               "To verify",
                               "Kiểm tra chứng nhận",
                               "********2345"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
  // A photocopied page must not carry the whole identity number, in its text or its bytes.
  EXPECT_EQ(text.find("001190012345"), std::string::npos);
  EXPECT_EQ(text.find("00119001"), std::string::npos);
  EXPECT_EQ(pdf->find("001190012345"), std::string::npos);
}

TEST_F(CertificatePdfTest, QrCodeOfTheCairoPageDecodesBackAtSixtyMillimetres) {
  const CertificatePdfInput in = SampleInput();
  for (double dpi : {150.0, 200.0}) {
    Result<std::string> png = RenderCertificatePng(in, dpi);
    ASSERT_TRUE(png.ok()) << png.status().ToString();
    Result<std::string> text = DecodeQrFromPng(*png);
    ASSERT_TRUE(text.ok()) << dpi << " dpi: " << text.status().ToString();
    EXPECT_EQ(*text, in.hc1);
    const FoundQr qr = FindQr(*png);
    EXPECT_EQ(qr.text, in.hc1);
    // zxing reports the symbol's outer corners: at least 50 mm across on paper.
    const double mm = qr.width_px / dpi * 25.4;
    EXPECT_GE(mm, 50.0) << dpi << " dpi";
    EXPECT_LE(mm, 62.0) << dpi << " dpi";
  }
}

TEST_F(CertificatePdfTest, QrCodeOfThePdfItselfDecodesBack) {
  const CertificatePdfInput in = SampleInput();
  Result<std::string> pdf = RenderCertificatePdf(in);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string file = Save("scan.pdf", *pdf);
  Run("pdftoppm -r 150 -png -singlefile '" + file + "' '" + (dir_ / "scan").string() + "'");
  std::ifstream in_png(dir_ / "scan.png", std::ios::binary);
  std::stringstream png;
  png << in_png.rdbuf();
  Result<std::string> text = DecodeQrFromPng(png.str());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, in.hc1);
}

TEST_F(CertificatePdfTest, BothQrCodesPrintAtSixtyMillimetresAndDecodeFromThePdf) {
  CertificatePdfInput in = SampleInput();
  in.shc_qr = SampleShcQr();
  Result<std::string> pdf = RenderCertificatePdf(in);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_TRUE(OnePage(*pdf, "both.pdf"));
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("EU DCC QR code"), std::string::npos) << text;
  EXPECT_NE(text.find("SMART Health Card QR code"), std::string::npos) << text;
  EXPECT_NE(text.find("Comirnaty"), std::string::npos) << text;
  for (int dpi : {150, 200}) {
    const std::vector<FoundQr> codes = FindQrs(RasterisePdf(*pdf, dpi));
    std::vector<std::string> texts;
    for (const FoundQr& qr : codes) {
      texts.push_back(qr.text);
      const double mm = qr.width_px / dpi * 25.4;
      EXPECT_GE(mm, 50.0) << dpi << " dpi";
      EXPECT_LE(mm, 62.0) << dpi << " dpi";
    }
    std::sort(texts.begin(), texts.end());
    std::vector<std::string> expected = {in.hc1, in.shc_qr};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(texts, expected) << dpi << " dpi";
  }
  // The cairo PNG of the same page carries both as well.
  Result<std::string> png = RenderCertificatePng(in, 150);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(FindQrs(*png).size(), 2u);
}

TEST_F(CertificatePdfTest, AtMostTwelveDoseRowsAndTheRestCounted) {
  CertificatePdfInput in = SampleInput(15);
  in.doses.back().lot = "NEWEST";
  in.doses.front().lot = "OLDEST";
  Result<std::string> pdf = RenderCertificatePdf(in);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_TRUE(OnePage(*pdf, "many.pdf"));
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("NEWEST"), std::string::npos);
  EXPECT_EQ(text.find("OLDEST"), std::string::npos);  // the newest twelve are printed
  EXPECT_NE(text.find("+3 earlier doses not printed"), std::string::npos) << text;
  EXPECT_NE(text.find("+3 mũi tiêm trước đó"), std::string::npos) << text;

  // With the SMART Health Card's code beside the footer the page still holds the newest doses
  // and counts the rest.
  in.shc_qr = SampleShcQr();
  pdf = RenderCertificatePdf(in);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_TRUE(OnePage(*pdf, "many-shc.pdf"));
  const std::string with_card = PdfText(*pdf);
  EXPECT_NE(with_card.find("NEWEST"), std::string::npos);
  EXPECT_EQ(with_card.find("OLDEST"), std::string::npos);
  EXPECT_NE(with_card.find("earlier doses not printed"), std::string::npos) << with_card;
}

TEST_F(CertificatePdfTest, HostileFieldsStayOnOnePage) {
  CertificatePdfInput in = SampleInput(kMaxPdfDoseRows);
  in.full_name = std::string(5000, 'W') + "\n\x01\xff\xfe";  // long, control bytes, not UTF-8
  in.status = PrintedStatus::kPartlyVaccinated;
  for (auto& d : in.doses) {
    d.facility = std::string(3000, 'F');
    d.vaccine = "Vắc xin " + std::string(3000, 'V');
  }
  in.verify_address = std::string(1000, '/');
  in.doses.back().lot = "L\xffO\x01T\n7";  // not UTF-8, with control characters
  in.date_of_birth =
      "19\xc3-0\x02-\xff"
      "1";
  Result<std::string> pdf = RenderCertificatePdf(in);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_TRUE(OnePage(*pdf, "hostile.pdf"));
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("Partly vaccinated"), std::string::npos);
  EXPECT_EQ(text.find(std::string(200, 'W')), std::string::npos);         // cut to a bounded length
  EXPECT_NE(text.find("L\xef\xbf\xbdO T 7"), std::string::npos) << text;  // U+FFFD, spaces
  // Two-line rows leave room for fewer than twelve: the newest are printed, the rest counted.
  EXPECT_NE(text.find("earlier doses not printed"), std::string::npos) << text;
  Result<std::string> png = RenderCertificatePng(in, 150);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(DecodeQrFromPng(*png).value_or(""), in.hc1);
}

// Pages are drawn on the server's image threads at once: each thread has its own pango font map
// and cairo surface, and the same input gives the same bytes on every thread.
TEST(CertificatePdfConcurrencyTest, ThreadsRenderTheSameBytes) {
  const CertificatePdfInput in = SampleInput();
  Result<std::string> reference = RenderCertificatePdf(in);
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  std::vector<std::string> out(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < out.size(); ++t) {
    threads.emplace_back([&in, &out, t] {
      for (int i = 0; i < 3; ++i) out[t] = RenderCertificatePdf(in).value_or("failed");
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& pdf : out) EXPECT_TRUE(pdf == *reference);
}

TEST(CertificatePdfInputTest, RefusesWhatCannotBePrinted) {
  CertificatePdfInput in = SampleInput();
  in.full_name.clear();
  EXPECT_EQ(RenderCertificatePdf(in).status().code(), StatusCode::kInvalidArgument);
  in = SampleInput();
  in.doses.clear();
  EXPECT_EQ(RenderCertificatePdf(in).status().code(), StatusCode::kInvalidArgument);
  in = SampleInput();
  in.hc1 = "HC1:" + std::string(kMaxQrTextBytes, 'A');
  EXPECT_EQ(RenderCertificatePdf(in).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(RenderCertificatePng(SampleInput(), 1000).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(CertificatePdfInputTest, MasksAllButTheLastDigits) {
  EXPECT_EQ(MaskIdentityNumber("001190012345"), "********2345");  // CCCD
  EXPECT_EQ(MaskIdentityNumber("123456789"), "*****6789");        // CMND
  EXPECT_EQ(MaskIdentityNumber("C1234567"), "****4567");          // passport
  EXPECT_EQ(MaskIdentityNumber("B12345"), "***345");              // short: half shown
  EXPECT_EQ(MaskIdentityNumber(""), "");
  EXPECT_EQ(FormatDayDmy(Day(2021, 8, 1)), "01/08/2021");
}

}  // namespace
}  // namespace vaxreg::certs
