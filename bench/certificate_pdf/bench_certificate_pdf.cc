// Measures, in one run and on the same threads:
//   raw:    one-page A4 PDFs/s that cairo writes to memory with nothing on the page (surface for
//           a stream, cairo_create, show_page, finish): the floor of any cairo PDF;
//   raw QR: the same page with only the certificate's two QR symbols on it (EU DCC and SMART
//           Health Card, 60 mm each), drawn as the renderer draws them: one 1-bit image mask per
//           symbol, nearest-neighbour (matrices encoded once, outside the loop);
//   full:   certs::RenderCertificatePdf calls/s for a certificate with three doses, an HC1 text
//           and an SHC of real certificates' lengths: both QR codes encoded and drawn, pango
//           layout of every text, fonts subset and embedded;
// and prints full/raw and full/raw QR. Also single-thread costs: the first certificate of a
// thread (fonts loaded), the two QR matrices alone (libqrencode), a warm PDF, and the same page
// as a 150 dpi PNG.
// Usage: bench_certificate_pdf [threads=2] [seconds per workload=12]

#include <cairo-pdf.h>
#include <cairo.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "bench/common/rate.h"
#include "certs/codec/base45.h"
#include "certs/pdf/certificate_pdf.h"
#include "certs/pdf/qr_symbol.h"
#include "certs/qr/qr_render.h"
#include "certs/shc/numeric.h"

namespace {

using namespace vaxreg;
using namespace vaxreg::certs;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_certificate_pdf: %s\n", what.c_str());
  std::exit(1);
}

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct BlankPage {
  int MakeState() const { return 0; }
  void Run(int&) const {
    std::string out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, 595.28, 841.89);
    cairo_t* cr = cairo_create(surface);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const bool ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surface);
    if (!ok || !out.starts_with("%PDF-")) Die("blank page failed");
  }
};

constexpr double kQrPoints = 60 * 72 / 25.4;  // 60 mm, as on the certificate

// The page with only the two QR symbols, drawn by the renderer's own DrawQrSymbol.
struct QrOnlyPage {
  const QrMatrix* dcc;
  const QrMatrix* shc;
  int MakeState() const { return 0; }
  void Run(int&) const {
    std::string out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, 595.28, 841.89);
    cairo_t* cr = cairo_create(surface);
    DrawQrSymbol(cr, *dcc, 380, 150, kQrPoints);
    DrawQrSymbol(cr, *shc, 380, 600, kQrPoints);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const bool ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surface);
    if (!ok) Die("QR page failed");
  }
};

struct Certificate {
  const CertificatePdfInput* input;
  int MakeState() const { return 0; }
  void Run(int&) const {
    if (!RenderCertificatePdf(*input).ok()) Die("certificate failed");
  }
};

CertificatePdfInput Input() {
  CertificatePdfInput in;
  in.full_name = "Trần Thị Mỹ Hạnh";
  in.date_of_birth = "1987-11-23";
  in.id_kind = IdentityKind::kCccd;
  in.id_number = "079187004321";
  in.status = PrintedStatus::kBoosted;
  const char* facilities[] = {"Trung tâm Y tế Quận 1", "Bệnh viện Chợ Rẫy",
                              "Trạm Y tế Phường Bến Nghé"};
  std::chrono::sys_days day = std::chrono::year{2021} / 9 / 6;
  for (int n = 1; n <= 3; ++n) {
    in.doses.push_back({n, day, n < 3 ? "Vaxzevria (AstraZeneca)" : "Comirnaty (Pfizer-BioNTech)",
                        "AZ" + std::to_string(7000 + n), facilities[n - 1]});
    day += std::chrono::days(n < 2 ? 84 : 120);
  }
  // A signed vaccination DCC is ~372 bytes of COSE: ~560 base45 characters after "HC1:".
  std::mt19937 rng(7);
  std::string cose(372, '\0');
  for (char& c : cose) c = static_cast<char>(rng());
  in.hc1 = "HC1:" + Base45Encode(cose);
  // A SMART Health Card of the same three doses is a compact JWS of ~900 characters.
  static constexpr char kBase64Url[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string jws;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) jws += '.';
    for (int i = 0; i < (part == 1 ? 720 : 86); ++i) jws += kBase64Url[rng() % 64];
  }
  in.shc_qr = shc::EncodeShcNumeric(jws).value();
  in.uvci = "URN:UVCI:01:VN:7Q2M4K8Z1X5C3V6B9N0L2J4H6G#K";
  in.issued_on = std::chrono::year{2022} / 3 / 1;
  in.valid_until = std::chrono::year{2023} / 3 / 1;
  return in;
}

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 12;
  if (threads < 1 || seconds <= 0) Die("usage: bench_certificate_pdf [threads] [seconds]");
  const CertificatePdfInput input = Input();

  const auto cold_start = std::chrono::steady_clock::now();
  Result<std::string> first = RenderCertificatePdf(input);
  const double cold_ms = Millis(std::chrono::steady_clock::now() - cold_start);
  if (!first.ok()) Die(first.status().ToString());
  Result<QrMatrix> matrix = EncodeQrMatrix(input.hc1);
  if (!matrix.ok()) Die(matrix.status().ToString());
  const QrRenderOptions level_l{.low_error_correction = true};
  Result<QrMatrix> shc_matrix = EncodeQrMatrix(input.shc_qr, level_l);
  if (!shc_matrix.ok()) Die(shc_matrix.status().ToString());
  std::printf(
      "certificate PDF: %zu bytes; DCC QR version %d (%d modules, %.2f mm each), SHC QR version "
      "%d (%d modules, %.2f mm each)\n",
      first->size(), (matrix->width - 17) / 4, matrix->width, 60.0 / matrix->width,
      (shc_matrix->width - 17) / 4, shc_matrix->width, 60.0 / shc_matrix->width);

  const BlankPage raw;
  const QrOnlyPage raw_qr{&*matrix, &*shc_matrix};
  const Certificate full{&input};
  const auto [raw_rate, full_rate] = bench::AlternatingCallRates(threads, seconds, raw, full);
  std::printf("raw  blank cairo PDF pages:   %10.1f /s\n", raw_rate);
  std::printf("full certificate PDFs:        %10.1f /s\n", full_rate);
  std::printf("ratio full/raw:               %10.2f %%\n", 100.0 * full_rate / raw_rate);
  const auto [qr_rate, full_rate2] = bench::AlternatingCallRates(threads, seconds, raw_qr, full);
  std::printf("raw  QR-only cairo PDF pages: %10.1f /s\n", qr_rate);
  std::printf("full certificate PDFs:        %10.1f /s\n", full_rate2);
  std::printf("ratio full/raw QR:            %10.1f %%\n", 100.0 * full_rate2 / qr_rate);

  int state = 0;
  std::printf("single thread: first certificate (fonts loaded) %.1f ms\n", cold_ms);
  std::printf(
      "  blank page %.1f us, both QR matrices %.1f us, QR-only page %.1f us, certificate PDF "
      "%.1f us\n",
      bench::MicrosPerCall([&] { raw.Run(state); }, 200),
      bench::MicrosPerCall(
          [&] {
            (void)EncodeQrMatrix(input.hc1);
            (void)EncodeQrMatrix(input.shc_qr, level_l);
          },
          200),
      bench::MicrosPerCall([&] { raw_qr.Run(state); }, 100),
      bench::MicrosPerCall([&] { full.Run(state); }, 100));
  std::printf("  same page as PNG at 150 dpi %.1f us\n",
              bench::MicrosPerCall(
                  [&] {
                    if (!RenderCertificatePng(input, 150).ok()) Die("PNG failed");
                  },
                  20));
  return 0;
}
