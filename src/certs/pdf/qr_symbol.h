#pragma once
// Draws a QR symbol on a cairo context as the printable certificate prints it: one 1-bit image,
// one pixel per module, scaled with nearest-neighbour filtering (in a PDF an /ImageMask with
// /Interpolate false), so every module is a sharp square at any zoom or print resolution. A
// symbol costs a few hundred bytes and well under a millisecond, where one vector rectangle per
// run of dark modules made a QR code most of a page's time and size.

#include <cairo.h>

#include "certs/qr/qr_render.h"

namespace vaxreg::certs {

// The modules of `qr` in black with their top-left corner at (x, y), `size` units wide (no quiet
// zone: the caller paints it). When cairo cannot make the image, `cr` is put in its error state
// (cairo_status tells), as for any failed cairo call. Thread-safe for distinct contexts.
void DrawQrSymbol(cairo_t* cr, const QrMatrix& qr, double x, double y, double size);

}  // namespace vaxreg::certs
