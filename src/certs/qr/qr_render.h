#pragma once
// Renders QR codes (libqrencode) as SVG or PNG (libpng), for certificate downloads. The EU DCC
// guidelines recommend error correction level Q, which is used here; the symbol version is the
// smallest that fits. Thread-safe.

#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

// The longest text rendered (an HC1 payload is well under 1 KiB; a version-40 Q symbol holds
// 2,420 alphanumeric characters).
inline constexpr size_t kMaxQrTextBytes = 2048;

struct QrRenderOptions {
  int scale = 4;   // PNG pixels per module (1..32); SVG uses one unit per module
  int margin = 4;  // quiet zone in modules (the QR standard asks for 4)
};

// A standalone SVG document: one black path on a white rectangle. kInvalidArgument for empty
// text, kResourceExhausted beyond kMaxQrTextBytes, kInternal when libqrencode fails.
Result<std::string> RenderQrSvg(std::string_view text, const QrRenderOptions& options = {});

// An 8-bit greyscale PNG. Same errors, plus kInvalidArgument for a scale or margin out of range.
Result<std::string> RenderQrPng(std::string_view text, const QrRenderOptions& options = {});

}  // namespace vaxreg::certs
