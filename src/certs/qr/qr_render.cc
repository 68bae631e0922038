#include "certs/qr/qr_render.h"

#include <png.h>
#include <qrencode.h>

#include <cstring>
#include <memory>
#include <vector>

namespace vaxreg::certs {
namespace {

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
using QrPtr = std::unique_ptr<QRcode, QrDeleter>;

Result<QrPtr> Encode(std::string_view text, const QrRenderOptions& o) {
  if (text.empty()) return InvalidArgumentError("nothing to encode in the QR code");
  if (text.size() > kMaxQrTextBytes) return ResourceExhaustedError("QR text is too long");
  if (o.scale < 1 || o.scale > 32 || o.margin < 0 || o.margin > 16) {
    return InvalidArgumentError("QR scale must be 1..32 and margin 0..16");
  }
  const std::string s(text);  // NUL-terminated for libqrencode
  if (s.find('\0') != std::string::npos) return InvalidArgumentError("QR text contains NUL");
  // Case-sensitive, with libqrencode choosing alphanumeric/8-bit segments itself.
  QrPtr code(QRcode_encodeString(s.c_str(), 0, o.low_error_correction ? QR_ECLEVEL_L : QR_ECLEVEL_Q,
                                 QR_MODE_8, 1));
  if (!code) return InternalError("QR encoding failed");
  return code;
}

bool Dark(const QRcode& q, int x, int y) { return (q.data[y * q.width + x] & 1) != 0; }

}  // namespace

Result<QrMatrix> EncodeQrMatrix(std::string_view text, const QrRenderOptions& options) {
  ASSIGN_OR_RETURN(QrPtr code, Encode(text, options));
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(code->width) * code->width);
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      m.dark[static_cast<size_t>(y) * code->width + x] = Dark(*code, x, y);
    }
  }
  return m;
}

Result<std::string> RenderQrSvg(std::string_view text, const QrRenderOptions& options) {
  ASSIGN_OR_RETURN(QrPtr code, Encode(text, options));
  const int size = code->width + 2 * options.margin;
  std::string path;
  path.reserve(static_cast<size_t>(code->width) * code->width * 4);
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width;) {
      if (!Dark(*code, x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < code->width && Dark(*code, x + run, y)) ++run;
      path += "M" + std::to_string(x + options.margin) + "," + std::to_string(y + options.margin) +
              "h" + std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  const std::string n = std::to_string(size);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 " + n + " " + n +
         "\" width=\"" + std::to_string(size * 4) + "\" height=\"" + std::to_string(size * 4) +
         "\" shape-rendering=\"crispEdges\">\n<rect width=\"" + n + "\" height=\"" + n +
         "\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"" + path + "\"/>\n</svg>\n";
}

Result<std::string> RenderQrPng(std::string_view text, const QrRenderOptions& options) {
  ASSIGN_OR_RETURN(QrPtr code, Encode(text, options));
  const int modules = code->width + 2 * options.margin;
  const int px = modules * options.scale;
  std::vector<uint8_t> pixels(static_cast<size_t>(px) * px, 255);
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      if (!Dark(*code, x, y)) continue;
      for (int dy = 0; dy < options.scale; ++dy) {
        uint8_t* row = pixels.data() +
                       static_cast<size_t>((y + options.margin) * options.scale + dy) * px;
        std::memset(row + (x + options.margin) * options.scale, 0,
                    static_cast<size_t>(options.scale));
      }
    }
  }
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(px);
  image.height = static_cast<png_uint_32>(px);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return InternalError("PNG encoding failed");
  }
  std::string out(size, '\0');
  if (png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return InternalError("PNG encoding failed");
  }
  out.resize(size);
  return out;
}

}  // namespace vaxreg::certs
