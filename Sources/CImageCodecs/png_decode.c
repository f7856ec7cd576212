// PNG decoding through libpng, from memory, with libpng's longjmp error path kept here.
#include "codecs_internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define MAEX_CHUNK_IDAT 0x49444154u  // "IDAT" as a big-endian uint32, as png_get_io_chunk_type reports it

enum png_phase { PHASE_HEADER, PHASE_ROWS, PHASE_END };

// Everything that must survive a longjmp lives here, in the caller's frame, not in locals
// of the function that calls setjmp (those are indeterminate after longjmp when changed).
typedef struct png_decode_context {
    const unsigned char *data;
    size_t size;
    size_t offset;
    maex_image_status status;  // set before any longjmp; OK means "corrupt" by default
    enum png_phase phase;
    png_bytep *rows;           // [height] pointers into out->pixels
    maex_decoded_image *out;
} png_decode_context;

static void fail(png_structp png, png_decode_context *ctx, maex_image_status status, const char *message) {
    if (ctx->status == MAEX_IMAGE_OK) ctx->status = status;
    if (ctx->out->message[0] == 0) maex_set_message(ctx->out->message, sizeof ctx->out->message, "%s", message);
    png_longjmp(png, 1);
}

// Replaces libpng's default handler, which prints to stderr.
static void on_error(png_structp png, png_const_charp message) {
    fail(png, png_get_error_ptr(png), MAEX_IMAGE_CORRUPT, message);
}

// Warnings about ancillary chunks (bad text, odd colour profiles) are harmless and dropped.
// A warning about the image data itself (a bad zlib check value, damaged IDAT) means the
// pixels cannot be trusted, so it fails the decode rather than returning a damaged image.
static void on_warning(png_structp png, png_const_charp message) {
    png_decode_context *ctx = png_get_error_ptr(png);
    int about_pixels = ctx->phase == PHASE_ROWS ||
                       (ctx->phase == PHASE_END && png_get_io_chunk_type(png) == MAEX_CHUNK_IDAT);
    if (about_pixels) fail(png, ctx, MAEX_IMAGE_CORRUPT, message);
}

static void read_from_memory(png_structp png, png_bytep destination, size_t length) {
    png_decode_context *ctx = png_get_io_ptr(png);
    if (length > ctx->size - ctx->offset) {
        maex_set_message(ctx->out->message, sizeof ctx->out->message,
                         "the file ends after %zu bytes, before the PNG does", ctx->size);
        fail(png, ctx, MAEX_IMAGE_TRUNCATED, "");
    }
    memcpy(destination, ctx->data + ctx->offset, length);
    ctx->offset += length;
}

static uint32_t big_endian_32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/// TRUNCATED when `size` bytes cannot hold width × height pixels of this bit depth and colour
/// type even at deflate's best ratio (an unknown colour type is left to libpng to reject).
static maex_image_status check_file_holds_pixels(uint32_t width, uint32_t height, unsigned depth, unsigned colour,
                                                 size_t size, maex_decoded_image *out) {
    unsigned channels;
    switch (colour) {
    case 0: case 3: channels = 1; break;  // grey, palette
    case 4: channels = 2; break;          // grey + alpha
    case 2: channels = 3; break;          // RGB
    case 6: channels = 4; break;          // RGBA
    default: return MAEX_IMAGE_OK;
    }
    if (depth > 16) return MAEX_IMAGE_OK;
    // At most 16384 × 16384 × 64 bits after maex_check_dimensions: no overflow.
    uint64_t raw = ((uint64_t)width * height * depth * channels + 7) / 8;
    if ((uint64_t)size * MAEX_DEFLATE_MAX_RATIO < raw) {
        maex_set_message(out->message, sizeof out->message,
                         "the file has %zu bytes, too few for %u×%u pixels of %u-bit samples (%llu bytes raw; "
                         "deflate compresses at most %d:1)",
                         size, width, height, depth, (unsigned long long)raw, MAEX_DEFLATE_MAX_RATIO);
        return MAEX_IMAGE_TRUNCATED;
    }
    return MAEX_IMAGE_OK;
}

static int host_is_little_endian(void) {
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static maex_image_status decode(png_decode_context *ctx) {
    maex_decoded_image *out = ctx->out;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
    if (png == NULL) {
        maex_set_message(out->message, sizeof out->message, "libpng could not start (out of memory)");
        return MAEX_IMAGE_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        maex_set_message(out->message, sizeof out->message, "libpng could not start (out of memory)");
        return MAEX_IMAGE_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(ctx->rows);
        ctx->rows = NULL;
        free(out->pixels);
        out->pixels = NULL;
        return ctx->status == MAEX_IMAGE_OK ? MAEX_IMAGE_CORRUPT : ctx->status;
    }

    png_set_read_fn(png, ctx, read_from_memory);
    png_set_user_limits(png, MAEX_IMAGE_MAX_SIDE, MAEX_IMAGE_MAX_SIDE);
    png_set_chunk_cache_max(png, MAEX_PNG_MAX_CHUNKS);
    png_set_chunk_malloc_max(png, MAEX_PNG_MAX_CHUNK_BYTES);
#ifdef PNG_SKIP_sRGB_CHECK_PROFILE
    png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
#endif
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int depth = 0, colour = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &colour, &interlace, NULL, NULL);
    char reason[256];
    maex_image_status size_status = maex_check_dimensions(width, height, reason, sizeof reason);
    if (size_status != MAEX_IMAGE_OK) fail(png, ctx, size_status, reason);

    // Palette → RGB, grey below 8 bits → 8 bits, tRNS → an alpha channel; 16-bit samples
    // in host order so Swift reads them as UInt16; Adam7 passes merged by libpng.
    png_set_expand(png);
    if (png_get_bit_depth(png, info) == 16 && host_is_little_endian()) png_set_swap(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    int bytes_per_sample = png_get_bit_depth(png, info) == 16 ? 2 : 1;
    size_t row_bytes = png_get_rowbytes(png, info);
    if (channels < 1 || channels > 4 || row_bytes != (size_t)width * (size_t)channels * (size_t)bytes_per_sample) {
        fail(png, ctx, MAEX_IMAGE_UNSUPPORTED, "unexpected PNG sample layout after expansion");
    }
    out->pixels = malloc(row_bytes * height);
    ctx->rows = malloc(sizeof(png_bytep) * height);
    if (out->pixels == NULL || ctx->rows == NULL) {
        fail(png, ctx, MAEX_IMAGE_NO_MEMORY, "out of memory for the pixels");
    }
    for (png_uint_32 y = 0; y < height; y++) ctx->rows[y] = out->pixels + row_bytes * y;

    ctx->phase = PHASE_ROWS;
    png_read_image(png, ctx->rows);
    // Reading on to IEND catches a bad zlib check value and a file cut after the pixels.
    ctx->phase = PHASE_END;
    png_read_end(png, NULL);

    png_destroy_read_struct(&png, &info, NULL);
    free(ctx->rows);
    ctx->rows = NULL;
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->bytes_per_sample = bytes_per_sample;
    return MAEX_IMAGE_OK;
}

maex_image_status maex_png_decode(const unsigned char *data, size_t size, maex_decoded_image *out) {
    memset(out, 0, sizeof *out);
    static const unsigned char signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (size < 8 || memcmp(data, signature, 8) != 0) {
        maex_set_message(out->message, sizeof out->message, "no PNG signature");
        return size < 8 ? MAEX_IMAGE_TRUNCATED : MAEX_IMAGE_CORRUPT;
    }
    // The first chunk must be IHDR: check its dimensions before libpng reads any further,
    // so that a header claiming a huge or empty image is reported as such, whatever follows.
    if (size >= 24 && memcmp(data + 12, "IHDR", 4) == 0) {
        uint32_t width = big_endian_32(data + 16), height = big_endian_32(data + 20);
        maex_image_status status = maex_check_dimensions(width, height, out->message, sizeof out->message);
        if (status != MAEX_IMAGE_OK) return status;
        if (size >= 26) {
            status = check_file_holds_pixels(width, height, data[24], data[25], size, out);
            if (status != MAEX_IMAGE_OK) return status;
        }
    }
    png_decode_context ctx = {.data = data, .size = size, .offset = 0, .status = MAEX_IMAGE_OK,
                              .phase = PHASE_HEADER, .rows = NULL, .out = out};
    return decode(&ctx);
}
