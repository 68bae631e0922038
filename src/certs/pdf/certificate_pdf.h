#pragma once
// The printable vaccination certificate: one A4 page, every label in Vietnamese and English,
// drawn with cairo (PDF, or a PNG of the same page) and laid out with pango so Vietnamese
// diacritics shape correctly. The page carries the holder's name, date of birth, identity number
// (masked: a printed page gets photocopied), vaccination status, a table of doses, the EU DCC QR
// code and, when the certificate has one, the SMART Health Card QR code (each 60 mm wide, so it
// scans from paper; drawn as sharp 1-bit images), the UVCI, issue and expiry dates, the issuer
// and how to verify.
//
// Fonts are the system's (fontconfig): Noto Sans, else DejaVu Sans (Debian's fonts-noto-core,
// fonts-dejavu-core); nothing is downloaded or embedded from elsewhere. When no installed font
// has a glyph the page needs, rendering fails instead of printing empty boxes.
//
// Bounded: at most kMaxPdfDoseRows dose rows are printed (the newest that fit; a line counts the
// others), every text field is cut to a fixed length and a fixed number of lines, and the output
// is capped at kMaxCertificatePdfBytes (four times that for a PNG). Invalid UTF-8 and control
// characters in the input are replaced, never passed to pango. Thread-safe: each call uses its own
// cairo surface and the calling thread's pango font map.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vaxreg::certs {

inline constexpr int kMaxPdfDoseRows = 12;
inline constexpr size_t kMaxCertificatePdfBytes = 2 * 1024 * 1024;

enum class PrintedStatus {
  kPartlyVaccinated,  // primary series not complete
  kFullyVaccinated,   // primary series complete
  kBoosted,           // complete, with at least one booster
};

enum class IdentityKind { kNone, kCccd, kCmnd, kPassport };

struct CertificatePdfDose {
  int number = 0;                // 1-based, in the holder's counted doses
  std::chrono::sys_days date{};  // the calendar day in Viet Nam
  std::string vaccine;           // display name
  std::string lot;               // "" when not recorded
  std::string facility;          // facility name; "" when none
};

struct CertificatePdfInput {
  std::string full_name;      // NFC, family name first: "Nguyễn Văn Ánh"
  std::string date_of_birth;  // "YYYY-MM-DD" or "YYYY"
  IdentityKind id_kind = IdentityKind::kNone;
  std::string id_number;  // printed masked (MaskIdentityNumber); never printed whole
  PrintedStatus status = PrintedStatus::kFullyVaccinated;
  std::vector<CertificatePdfDose> doses;  // oldest first
  std::string hc1;                        // "HC1:..." (at most kMaxQrTextBytes)
  // The same certificate as a SMART Health Card, "shc:/..." (at most kMaxQrTextBytes); "" when
  // it has none (the page then carries the DCC's QR code alone).
  std::string shc_qr;
  std::string uvci;
  std::chrono::sys_days issued_on{};
  std::chrono::sys_days valid_until{};
  // Where a reader checks the certificate: the portal's verifier page.
  std::string verify_address = "/verify";
};

// The page as a one-page PDF (A4, PDF 1.5). kInvalidArgument without a name, a QR text or a
// dose; kResourceExhausted for a QR text over kMaxQrTextBytes or output over
// kMaxCertificatePdfBytes; kFailedPrecondition when no installed font can draw the text;
// kInternal when cairo fails.
Result<std::string> RenderCertificatePdf(const CertificatePdfInput& input);

// The same page drawn by the same code into a PNG at `dots_per_inch` (72..300), to check what
// prints (the QR code decodes) or to preview it. Same errors.
Result<std::string> RenderCertificatePng(const CertificatePdfInput& input, double dots_per_inch);

// "001090012345" -> "********2345": every character but the last four hidden (the last half
// when the number is shorter than eight characters, so a short number is not mostly shown).
std::string MaskIdentityNumber(std::string_view number);

// "dd/mm/yyyy".
std::string FormatDayDmy(std::chrono::sys_days day);

}  // namespace vaxreg::certs
