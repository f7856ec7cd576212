// PNG and JPEG through libpng and libjpeg-turbo. Their error paths use setjmp/longjmp,
// which Swift cannot cross, so each decode is one C call that returns a status and a
// message instead of printing to stderr or exiting. The codecs read and write memory
// buffers; files are Swift's business.
#ifndef MAEX_IMAGE_CODECS_H
#define MAEX_IMAGE_CODECS_H

#include <stddef.h>
#include <stdint.h>

/// Limits checked against the header before any pixel memory is allocated.
#define MAEX_IMAGE_MAX_SIDE 16384
#define MAEX_IMAGE_MAX_PIXELS 64000000

/// deflate codes a run of 258 bytes in 2 bits at the very least, so a PNG's compressed pixels
/// are at least 1/1032 of their raw size: a file smaller than that cannot hold the image its
/// header claims, and is refused as truncated before the pixel buffer is allocated.
#define MAEX_DEFLATE_MAX_RATIO 1032
/// A Huffman-coded sequential JPEG spends at least 2 bits on each 8×8 block (a DC code and an
/// end-of-block code), so a baseline file of fewer than blocks / 4 bytes is refused the same way.
#define MAEX_JPEG_MIN_BITS_PER_BLOCK 2

/// Ancillary PNG chunks (text, sPLT, unknown) kept at most; later ones are skipped. libpng's
/// own default, set here so that no build of it can lift it.
#define MAEX_PNG_MAX_CHUNKS 1000
/// The most memory one ancillary PNG chunk may take once decompressed (a zTXt or iCCP chunk of
/// a few kB can inflate to gigabytes); a larger one is skipped.
#define MAEX_PNG_MAX_CHUNK_BYTES 8000000

/// The most scans a progressive JPEG may have. Each scan is a pass over every block of the
/// image, and a valid progression can have almost 900; the usual script has 10. libjpeg-turbo's
/// own fuzzers and tools stop at 500.
#define MAEX_JPEG_MAX_SCANS 500

typedef enum maex_image_status {
    MAEX_IMAGE_OK = 0,
    MAEX_IMAGE_TRUNCATED = 1,    // the data ends before the image does
    MAEX_IMAGE_CORRUPT = 2,      // a decoder error or a warning about damaged image data
    MAEX_IMAGE_EMPTY = 3,        // the header says 0 pixels wide or high
    MAEX_IMAGE_TOO_LARGE = 4,    // a side above MAEX_IMAGE_MAX_SIDE or more than MAEX_IMAGE_MAX_PIXELS
    MAEX_IMAGE_UNSUPPORTED = 5,  // valid but not handled (CMYK JPEG, 12-bit JPEG)
    MAEX_IMAGE_NO_MEMORY = 6,
} maex_image_status;

/// A decoded image in the file's own sample layout: `height` rows of `width` pixels of
/// `channels` samples (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA), each sample one byte or, when
/// `bytes_per_sample` is 2, a native-endian uint16. Palettes, transparency keys and bit depths
/// below 8 are already expanded. `pixels` is malloc'd: release it with maex_image_free.
/// On an error `pixels` is NULL and `message` says why (a NUL-terminated sentence).
typedef struct maex_decoded_image {
    uint32_t width;
    uint32_t height;
    int channels;
    int bytes_per_sample;
    unsigned char *pixels;
    char message[256];
} maex_decoded_image;

/// Decodes a whole PNG held in memory. Any bit depth, colour type and interlacing.
maex_image_status maex_png_decode(const unsigned char *data, size_t size, maex_decoded_image *out);

/// Decodes a whole JPEG held in memory (baseline or progressive; grey or colour) to
/// 8-bit grey or RGB. Any warning about damaged or missing scan data is an error.
maex_image_status maex_jpeg_decode(const unsigned char *data, size_t size, maex_decoded_image *out);

/// Encodes `rgb` (height × width × 3 bytes, row-major) as an 8-bit RGB PNG in memory.
/// On success `*png` is malloc'd (release with maex_image_free) and `*png_size` set.
maex_image_status maex_png_encode_rgb8(const unsigned char *rgb, uint32_t width, uint32_t height,
                                       unsigned char **png, size_t *png_size,
                                       char *message, size_t message_capacity);

void maex_image_free(void *pointer);

#endif
