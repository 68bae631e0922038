#include "certs/pdf/qr_symbol.h"

#include <bit>
#include <cstddef>
#include <cstdint>

namespace vaxreg::certs {

void DrawQrSymbol(cairo_t* cr, const QrMatrix& qr, double x, double y, double size) {
  cairo_surface_t* mask = cairo_image_surface_create(CAIRO_FORMAT_A1, qr.width, qr.width);
  // A surface that could not be made is an error surface: the pattern made from it puts `cr` in
  // the same error.
  if (cairo_surface_status(mask) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(mask);
    unsigned char* data = cairo_image_surface_get_data(mask);
    const int stride = cairo_image_surface_get_stride(mask);
    // A1 pixels are packed in 32-bit words, the first pixel in the least significant bit on a
    // little-endian machine and in the most significant bit on a big-endian one.
    for (int row = 0; row < qr.width; ++row) {
      auto* words = reinterpret_cast<uint32_t*>(data + static_cast<ptrdiff_t>(row) * stride);
      for (int col = 0; col < qr.width; ++col) {
        if (!qr.Dark(col, row)) continue;
        const int bit = std::endian::native == std::endian::little ? col % 32 : 31 - col % 32;
        words[col / 32] |= uint32_t{1} << bit;
      }
    }
    cairo_surface_mark_dirty(mask);
  }
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, size / qr.width, size / qr.width);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_pattern_t* pattern = cairo_pattern_create_for_surface(mask);
  cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST);
  cairo_mask(cr, pattern);
  cairo_pattern_destroy(pattern);
  cairo_restore(cr);
  cairo_surface_destroy(mask);
}

}  // namespace vaxreg::certs
