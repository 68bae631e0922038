#pragma once
// Renders QR codes (libqrencode) as SVG or PNG (libpng), for certificate downloads. The EU DCC
// guidelines recommend error correction level Q, which is used here; the symbol version is the
// smallest that fits. Thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vaxreg::certs {

// The longest text rendered (an HC1 payload is well under 1 KiB; a version-40 Q symbol holds
// 2,420 alphanumeric characters; the largest single-QR SMART Health Card is "shc:/" + 2,390
// digits).
inline constexpr size_t kMaxQrTextBytes = 2400;

struct QrRenderOptions {
  int scale = 4;   // PNG pixels per module (1..32); SVG uses one unit per module
  int margin = 4;  // quiet zone in modules (the QR standard asks for 4)
  // Error correction level L instead of Q: what the SMART Health Cards specification fixes, so
  // that its largest card ("shc:/" in byte mode, the digits in numeric mode, which libqrencode
  // picks by itself) fits version 22.
  bool low_error_correction = false;
};

// A standalone SVG document: one black path on a white rectangle. kInvalidArgument for empty
// text, kResourceExhausted beyond kMaxQrTextBytes, kInternal when libqrencode fails.
Result<std::string> RenderQrSvg(std::string_view text, const QrRenderOptions& options = {});

// An 8-bit greyscale PNG. Same errors, plus kInvalidArgument for a scale or margin out of range.
Result<std::string> RenderQrPng(std::string_view text, const QrRenderOptions& options = {});

// The symbol itself, for renderers that draw it (the printable certificate): `width` x `width`
// modules, row by row, without the quiet zone. Same encoding and errors as RenderQrSvg; of
// `options` only the error correction level counts.
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;
  bool Dark(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};
Result<QrMatrix> EncodeQrMatrix(std::string_view text, const QrRenderOptions& options = {});

}  // namespace vaxreg::certs
