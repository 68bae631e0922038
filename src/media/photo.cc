#include "media/photo.h"

#include <vips/vips.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "common/crypto_util.h"
#include "common/logging.h"

namespace vaxreg::media {
namespace {

constexpr std::string_view kJpeg = "image/jpeg";
constexpr std::string_view kPng = "image/png";
constexpr std::string_view kWebp = "image/webp";

std::string Reasoned(std::string_view reason, std::string_view text) {
  std::string out(reason);
  out += ": ";
  out += text;
  return out;
}

Status Invalid(std::string_view reason, std::string_view text) {
  return InvalidArgumentError(Reasoned(reason, text), "photo");
}

// "image/jpeg" -> "JPEG", for messages.
std::string_view FormatName(std::string_view type) {
  if (type == kJpeg) return "JPEG";
  if (type == kPng) return "PNG";
  return "WebP";
}

// libvips' warnings name its internal loaders and may quote bytes of the input: kept out of the
// server's normal log (debug level only, one line, truncated).
void VipsLogHandler(const gchar*, GLogLevelFlags, const gchar* message, gpointer) {
  std::string line = message != nullptr ? message : "";
  std::replace(line.begin(), line.end(), '\n', ' ');
  if (line.size() > 200) line.resize(200);
  spdlog::debug("libvips: {}", line);
}

// Starts libvips once per process. The limits that matter for untrusted input are set here,
// before the first image is opened.
const Status& StartVips() {
  static const Status* const started = [] {
    if (vips_init("vaxreg") != 0) {
      vips_error_clear();
      return new Status(
          InternalError(Reasoned(kReasonInternal, "the image library did not start")));
    }
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK), VipsLogHandler,
                      nullptr);
    // Callers run photos on their own pool: one libvips worker per call, so that pool alone
    // bounds the CPU that photos take.
    vips_concurrency_set(1);
    // The operation cache would keep the decoded images and input buffers of earlier uploads
    // alive (memory, and citizens' photos held longer than needed): off.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    // Only the three accepted formats may ever be parsed: every other loader (TIFF, GIF, HEIF,
    // SVG, PDF, ImageMagick...) is blocked, whatever the bytes look like.
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
    vips_operation_block_set("VipsForeignLoadPng", FALSE);
    vips_operation_block_set("VipsForeignLoadWebp", FALSE);
    return new Status();
  }();
  return *started;
}

struct ImageUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, ImageUnref>;

// libvips keeps one error buffer for the process; a failed call's text is of no use to the
// sender and would otherwise accumulate.
Status Unreadable(std::string_view type) {
  vips_error_clear();
  return Invalid(kReasonUnreadable, "the file could not be read as a " +
                                        std::string(FormatName(type)) +
                                        " image (damaged or incomplete); send the photo again");
}

Status EncodeFailed() {
  char detail[160];
  std::snprintf(detail, sizeof detail, "%s", vips_error_buffer());
  vips_error_clear();
  std::string_view text(detail);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  spdlog::warn("libvips could not encode a photo: {}", text);
  return InternalError(Reasoned(kReasonInternal, "the photo could not be re-encoded"));
}

Result<std::string_view> AcceptedType(std::string_view declared) {
  declared = declared.substr(0, declared.find(';'));
  while (!declared.empty() && (declared.back() == ' ' || declared.back() == '\t')) {
    declared.remove_suffix(1);
  }
  while (!declared.empty() && (declared.front() == ' ' || declared.front() == '\t')) {
    declared.remove_prefix(1);
  }
  std::string lower(declared);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == kJpeg || lower == "image/jpg") return kJpeg;
  if (lower == kPng) return kPng;
  if (lower == kWebp) return kWebp;
  return Invalid(kReasonUnsupportedType, "send the photo as a JPEG, PNG or WebP image");
}

Status CheckDimensions(uint64_t width, uint64_t height, const PhotoLimits& limits) {
  if (width == 0 || height == 0) {
    return Invalid(kReasonUnreadable, "the image declares no pixels; send the photo again");
  }
  if (width > static_cast<uint64_t>(limits.max_side) ||
      height > static_cast<uint64_t>(limits.max_side) ||
      width * height > static_cast<uint64_t>(limits.max_pixels)) {
    return ResourceExhaustedError(Reasoned(
        kReasonTooManyPixels,
        "the image is " + std::to_string(width) + "x" + std::to_string(height) +
            " pixels; at most " + std::to_string(limits.max_pixels / 1'000'000) +
            " megapixels and " + std::to_string(limits.max_side) + " pixels a side are accepted"));
  }
  return Status::Ok();
}

// Opens the image with its format's own loader. libvips reads the header only; pixels are
// decoded when something reads the image.
ImagePtr OpenHeader(std::string_view bytes, std::string_view type) {
  void* data = const_cast<char*>(bytes.data());
  VipsImage* out = nullptr;
  int rc = -1;
  if (type == kJpeg) {
    rc = vips_jpegload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, nullptr);
  } else if (type == kPng) {
    rc = vips_pngload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                             VIPS_FAIL_ON_ERROR, nullptr);
  } else {
    rc = vips_webpload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, nullptr);
  }
  return ImagePtr(rc == 0 ? out : nullptr);
}

// 8-bit sRGB (or 8-bit grey), no alpha: what a baseline JPEG holds. Transparent areas become
// white, as on paper.
Result<ImagePtr> ToOpaque8Bit(ImagePtr image, std::string_view type) {
  const int colour_bands = image->Bands - (vips_image_hasalpha(image.get()) ? 1 : 0);
  const VipsInterpretation target =
      colour_bands <= 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
  if (vips_image_guess_interpretation(image.get()) != target ||
      image->BandFmt != VIPS_FORMAT_UCHAR) {
    VipsImage* converted = nullptr;
    if (vips_colourspace(image.get(), &converted, target, nullptr) != 0) return Unreadable(type);
    image.reset(converted);
  }
  if (vips_image_hasalpha(image.get())) {
    VipsImage* flat = nullptr;
    VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
    const int rc = vips_flatten(image.get(), &flat, "background", white, nullptr);
    vips_area_unref(reinterpret_cast<VipsArea*>(white));
    if (rc != 0) return Unreadable(type);
    image.reset(flat);
  }
  if (image->BandFmt != VIPS_FORMAT_UCHAR) {
    VipsImage* cast = nullptr;
    if (vips_cast_uchar(image.get(), &cast, nullptr) != 0) return Unreadable(type);
    image.reset(cast);
  }
  return image;
}

// At most `max_side` px on the long side, never enlarged. A box average over whole blocks of
// pixels first, then a resize by less than 2x to the exact size: several times cheaper than
// a kernel over the whole photo (vips_thumbnail_image), and as good at thumbnail size.
Result<ImagePtr> Shrunk(VipsImage* full, int max_side) {
  g_object_ref(full);
  ImagePtr image(full);
  const int width = image->Xsize, height = image->Ysize;
  const int long_side = std::max(width, height);
  if (long_side <= max_side) return image;
  const double factor = static_cast<double>(long_side) / max_side;
  const int target_w = std::max(1, static_cast<int>(std::lround(width / factor)));
  const int target_h = std::max(1, static_cast<int>(std::lround(height / factor)));
  const int box = std::min(static_cast<int>(factor), std::min(width, height));
  if (box >= 2) {
    VipsImage* boxed = nullptr;
    if (vips_shrink(image.get(), &boxed, box, box, nullptr) != 0) return EncodeFailed();
    image.reset(boxed);
  }
  if (image->Xsize != target_w || image->Ysize != target_h) {
    VipsImage* resized = nullptr;
    if (vips_resize(image.get(), &resized, static_cast<double>(target_w) / image->Xsize, "vscale",
                    static_cast<double>(target_h) / image->Ysize, nullptr) != 0) {
      return EncodeFailed();
    }
    image.reset(resized);
  }
  return image;
}

// Baseline JPEG with no metadata at all: strip drops EXIF, XMP, IPTC and the ICC profile.
// (Optimised Huffman tables would save about 8 % of the bytes for twice the encoding time.)
Result<std::string> EncodeJpeg(VipsImage* image, int quality) {
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_jpegsave_buffer(image, &buffer, &length, "Q", quality, "strip", TRUE, "interlace", FALSE,
                           nullptr) != 0) {
    return EncodeFailed();
  }
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

}  // namespace

std::string_view PhotoErrorReason(const Status& status) {
  const std::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (status.ok() || colon == std::string_view::npos) return {};
  const std::string_view reason = message.substr(0, colon);
  for (std::string_view known :
       {kReasonUnsupportedType, kReasonNotAnImage, kReasonTypeMismatch, kReasonUnreadable,
        kReasonTooLarge, kReasonTooManyPixels, kReasonInternal}) {
    if (reason == known) return known;
  }
  return {};
}

Result<ProcessedPhoto> ProcessPhoto(std::string_view bytes, std::string_view declared_content_type,
                                    const PhotoLimits& limits) {
  ASSIGN_OR_RETURN(const std::string_view type, AcceptedType(declared_content_type));
  if (bytes.size() > limits.max_bytes) {
    char text[128];
    std::snprintf(text, sizeof text, "the photo is %.1f MiB; at most %.1f MiB are accepted",
                  static_cast<double>(bytes.size()) / (1 << 20),
                  static_cast<double>(limits.max_bytes) / (1 << 20));
    return ResourceExhaustedError(Reasoned(kReasonTooLarge, text));
  }
  const std::string_view sniffed = SniffImageType(bytes);
  if (sniffed.empty()) {
    return Invalid(kReasonNotAnImage, "the file is not an image (JPEG, PNG or WebP)");
  }
  if (sniffed != type) {
    return Invalid(kReasonTypeMismatch, "the file is not a " + std::string(FormatName(type)) +
                                            " image (it is a " + std::string(FormatName(sniffed)) +
                                            " image)");
  }
  // Our own reading of the header first: an absurd declaration never reaches libvips. When this
  // finds nothing, libvips' reading below decides (and the same limits apply to it).
  if (const auto declared = ReadDeclaredDimensions(bytes)) {
    RETURN_IF_ERROR(CheckDimensions(declared->width, declared->height, limits));
  }
  RETURN_IF_ERROR(StartVips());
  bool has_profile = false;
  {
    ImagePtr header = OpenHeader(bytes, type);
    if (!header) return Unreadable(type);
    RETURN_IF_ERROR(CheckDimensions(static_cast<uint64_t>(vips_image_get_width(header.get())),
                                    static_cast<uint64_t>(vips_image_get_height(header.get())),
                                    limits));
    has_profile = vips_image_get_typeof(header.get(), VIPS_META_ICC_NAME) != 0;
  }

  // Decode (JPEG shrinks while decoding when the photo is over twice the size kept), turn
  // upright by the EXIF orientation, bound the long side without ever enlarging, and convert
  // an embedded colour profile (a phone's Display P3) to sRGB, since the profile is not kept.
  // Without a profile the pixels are taken as they are (a grey scan stays grey).
  VipsImage* loaded = nullptr;
  void* data = const_cast<char*>(bytes.data());
  const int side = limits.out_max_side;
  const int rc =
      has_profile
          ? vips_thumbnail_buffer(data, bytes.size(), &loaded, side, "height", side, "size",
                                  VIPS_SIZE_DOWN, "export_profile", "srgb", "option_string",
                                  "fail_on=error", nullptr)
          : vips_thumbnail_buffer(data, bytes.size(), &loaded, side, "height", side, "size",
                                  VIPS_SIZE_DOWN, "option_string", "fail_on=error", nullptr);
  if (rc != 0) return Unreadable(type);
  ASSIGN_OR_RETURN(ImagePtr full, ToOpaque8Bit(ImagePtr(loaded), type));
  // Decoded here, once, into memory (at most out_max_side squared pixels): a damaged file fails
  // here rather than half-way through an encoding, and the thumbnail reads the same pixels.
  {
    VipsImage* decoded = vips_image_copy_memory(full.get());
    if (decoded == nullptr) return Unreadable(type);
    full.reset(decoded);
  }
  ProcessedPhoto out;
  ASSIGN_OR_RETURN(out.full_jpeg, EncodeJpeg(full.get(), limits.jpeg_quality));
  out.width = vips_image_get_width(full.get());
  out.height = vips_image_get_height(full.get());

  ASSIGN_OR_RETURN(ImagePtr thumb, Shrunk(full.get(), limits.thumb_max_side));
  ASSIGN_OR_RETURN(out.thumb_jpeg, EncodeJpeg(thumb.get(), limits.jpeg_quality));
  out.thumb_width = vips_image_get_width(thumb.get());
  out.thumb_height = vips_image_get_height(thumb.get());
  out.sha256 = HexEncode(Sha256(out.full_jpeg));
  out.thumb_sha256 = HexEncode(Sha256(out.thumb_jpeg));
  return out;
}

}  // namespace vaxreg::media
