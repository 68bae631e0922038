#include "certs/qr_image.h"

#define ZX_USE_UTF8 1
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>
#include <png.h>

#include <cstring>
#include <vector>

namespace vaxreg::certs {
namespace {

// libpng's simplified API reads from memory and converts any colour type to 8-bit grey.
Result<std::vector<uint8_t>> DecodePngGray(std::string_view png, int* width, int* height) {
  if (png.size() > kMaxPngBytes) return ResourceExhaustedError("PNG is too large");
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, png.data(), png.size()) == 0) {
    return InvalidArgumentError(std::string("not a PNG image: ") + image.message);
  }
  if (image.width == 0 || image.height == 0 ||
      static_cast<size_t>(image.width) * image.height > kMaxPngPixels) {
    png_image_free(&image);
    return ResourceExhaustedError("PNG dimensions out of range");
  }
  image.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  // Composite any alpha onto white, as a QR code is printed on paper.
  png_color white{255, 255, 255};
  if (png_image_finish_read(&image, &white, pixels.data(), 0, nullptr) == 0) {
    std::string msg = image.message;
    png_image_free(&image);
    return InvalidArgumentError("corrupt PNG image: " + msg);
  }
  *width = static_cast<int>(image.width);
  *height = static_cast<int>(image.height);
  return pixels;
}

}  // namespace

Result<std::string> DecodeQrFromPng(std::string_view png) {
  int width = 0, height = 0;
  ASSIGN_OR_RETURN(std::vector<uint8_t> pixels, DecodePngGray(png, &width, &height));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  try {
    ZXing::ImageView view(pixels.data(), width, height, ZXing::ImageFormat::Lum);
    ZXing::Result result = ZXing::ReadBarcode(view, hints);
    if (!result.isValid()) return InvalidArgumentError("no readable QR code in the image");
    return result.text();
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("QR decoding failed: ") + e.what());
  }
}

}  // namespace vaxreg::certs
