#pragma once
// Photos of paper vaccination certificates, as citizens send them with correction requests.
// Untrusted input: the bytes must be a JPEG, PNG or WebP image of the declared type and of a sane
// size, and are decoded by libvips only after their header said how many pixels they hold, so a
// decompression bomb is refused before any pixel is decoded. What is kept is a re-encoding:
// turned upright by its EXIF orientation, converted to sRGB when it carries a colour profile,
// every metadata block dropped (EXIF with GPS position and camera, XMP, IPTC, ICC profile,
// comments), at most 2,000 px on its long side (never enlarged), plus a thumbnail of at most
// 320 px; both baseline JPEG.
//
// Thread-safe; CPU-heavy (about 25 ms of CPU for a 2-megapixel JPEG, up to a few hundred for a
// 12-megapixel phone photo): run it on a worker pool, not on I/O threads. libvips' own workers
// are limited to one per pipeline (vips_concurrency_set(1)) and the calling thread waits while
// they run, so the caller's pool size bounds the parallelism. The first call starts libvips for
// the whole process: its operation cache off, and every image loader but JPEG, PNG and WebP
// blocked (a process that wants other formats from libvips cannot share it with this module).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "media/image_header.h"

namespace vaxreg::media {

struct PhotoLimits {
  size_t max_bytes = 10u << 20;     // input size
  int64_t max_pixels = 50'000'000;  // width x height, from the header
  int max_side = 20000;             // either side, from the header
  int out_max_side = 2000;          // long side of the kept photo (never upscaled)
  int thumb_max_side = 320;         // long side of the thumbnail
  int jpeg_quality = 85;
};

struct ProcessedPhoto {
  std::string full_jpeg, thumb_jpeg;
  int width = 0, height = 0;              // of full_jpeg
  int thumb_width = 0, thumb_height = 0;  // of thumb_jpeg
  std::string sha256, thumb_sha256;       // lowercase hex SHA-256: content addresses
};

// Every error from ProcessPhoto has the message "<reason>: <English sentence>", short and safe
// to show; the reason is stable, for the API layer to pick a translated text:
inline constexpr std::string_view kReasonUnsupportedType = "unsupported_type";  // declared type
inline constexpr std::string_view kReasonNotAnImage = "not_an_image";        // no known magic bytes
inline constexpr std::string_view kReasonTypeMismatch = "type_mismatch";     // content != declared
inline constexpr std::string_view kReasonUnreadable = "unreadable";          // corrupt or truncated
inline constexpr std::string_view kReasonTooLarge = "too_large";             // over max_bytes
inline constexpr std::string_view kReasonTooManyPixels = "too_many_pixels";  // over the pixels
inline constexpr std::string_view kReasonInternal = "internal";              // re-encoding failed

// The reason of a ProcessPhoto error ("" for OK or a message of another form).
std::string_view PhotoErrorReason(const Status& status);

// Decodes, checks and re-encodes one photo. `declared_content_type` is the request's media type
// (parameters such as "; charset=" and letter case are ignored; "image/jpg" counts as
// "image/jpeg"). Errors:
//   kInvalidArgument (field "photo"): unsupported_type, not_an_image, type_mismatch ("the file is
//     not a PNG image"), unreadable (libvips could not decode it, including a truncated file);
//   kResourceExhausted: too_large (more than max_bytes), too_many_pixels (the header declares
//     more than max_pixels, or a side over max_side): the API answers 413 for both;
//   kInternal: internal (libvips failed to start or to encode; not the sender's fault).
Result<ProcessedPhoto> ProcessPhoto(std::string_view bytes, std::string_view declared_content_type,
                                    const PhotoLimits& limits = {});

}  // namespace vaxreg::media
