#include "certs/qr_image.h"

#define ZX_USE_UTF8 1
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>
#include <png.h>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>
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
    return InvalidArgumentError("image dimensions " + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + " are out of range (at most " +
                                std::to_string(kMaxPngPixels) + " pixels)");
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

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

// libjpeg reports fatal errors through error_exit, which must not return: jump back out.
[[noreturn]] void JpegErrorExit(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<JpegError*>(cinfo->err)->jump, 1);
}

// Decodes to 8-bit grey. Only plain data lives in this frame across setjmp; `pixels` is sized
// before it and only written after.
Result<std::vector<uint8_t>> DecodeJpegGray(std::string_view jpeg, int* width, int* height) {
  if (jpeg.size() > kMaxPngBytes) return ResourceExhaustedError("JPEG is too large");
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = JpegErrorExit;
  err.mgr.output_message = [](j_common_ptr) {};
  std::vector<uint8_t> pixels;
  if (setjmp(err.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return InvalidArgumentError("not a readable JPEG image");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(jpeg.data()),
               static_cast<unsigned long>(jpeg.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.image_width == 0 || cinfo.image_height == 0 ||
      static_cast<size_t>(cinfo.image_width) * cinfo.image_height > kMaxPngPixels) {
    const std::string dims =
        std::to_string(cinfo.image_width) + "x" + std::to_string(cinfo.image_height);
    jpeg_destroy_decompress(&cinfo);
    return InvalidArgumentError("image dimensions " + dims + " are out of range (at most " +
                                std::to_string(kMaxPngPixels) + " pixels)");
  }
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&cinfo);
  pixels.resize(static_cast<size_t>(cinfo.output_width) * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels.data() + static_cast<size_t>(cinfo.output_scanline) * cinfo.output_width;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  *width = static_cast<int>(cinfo.output_width);
  *height = static_cast<int>(cinfo.output_height);
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return pixels;
}

Result<std::string> DecodeQrFromGray(const std::vector<uint8_t>& pixels, int width, int height) {
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

}  // namespace

Result<std::string> DecodeQrFromPng(std::string_view png) {
  int width = 0, height = 0;
  ASSIGN_OR_RETURN(std::vector<uint8_t> pixels, DecodePngGray(png, &width, &height));
  return DecodeQrFromGray(pixels, width, height);
}

Result<std::string> DecodeQrFromJpeg(std::string_view jpeg) {
  int width = 0, height = 0;
  ASSIGN_OR_RETURN(std::vector<uint8_t> pixels, DecodeJpegGray(jpeg, &width, &height));
  return DecodeQrFromGray(pixels, width, height);
}

bool LooksLikePng(std::string_view b) { return b.starts_with("\x89PNG\r\n\x1a\n"); }
bool LooksLikeJpeg(std::string_view b) { return b.starts_with("\xff\xd8\xff"); }

Result<std::string> DecodeQrFromImage(std::string_view image) {
  if (LooksLikePng(image)) return DecodeQrFromPng(image);
  if (LooksLikeJpeg(image)) return DecodeQrFromJpeg(image);
  return InvalidArgumentError("not a PNG or JPEG image");
}

}  // namespace vaxreg::certs
