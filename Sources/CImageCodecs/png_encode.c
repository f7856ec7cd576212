// 8-bit RGB PNG encoding through libpng into a growing memory buffer.
#include "codecs_internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// State that must survive libpng's longjmp, kept in the caller's frame.
typedef struct png_encode_context {
    unsigned char *buffer;
    size_t size;
    size_t capacity;
    maex_image_status status;
    char *message;
    size_t message_capacity;
    png_bytep *rows;
} png_encode_context;

static void on_error(png_structp png, png_const_charp message) {
    png_encode_context *ctx = png_get_error_ptr(png);
    if (ctx->status == MAEX_IMAGE_OK) {
        ctx->status = MAEX_IMAGE_CORRUPT;
        maex_set_message(ctx->message, ctx->message_capacity, "%s", message);
    }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void write_to_memory(png_structp png, png_bytep data, size_t length) {
    png_encode_context *ctx = png_get_io_ptr(png);
    if (length > ctx->capacity - ctx->size) {
        size_t capacity = ctx->capacity;
        while (length > capacity - ctx->size) capacity = capacity * 2 + 4096;
        unsigned char *grown = realloc(ctx->buffer, capacity);
        if (grown == NULL) {
            ctx->status = MAEX_IMAGE_NO_MEMORY;
            maex_set_message(ctx->message, ctx->message_capacity, "out of memory while encoding");
            png_longjmp(png, 1);
        }
        ctx->buffer = grown;
        ctx->capacity = capacity;
    }
    memcpy(ctx->buffer + ctx->size, data, length);
    ctx->size += length;
}

static void flush_nothing(png_structp png) {
    (void)png;
}

static maex_image_status encode(png_encode_context *ctx, const unsigned char *rgb, uint32_t width, uint32_t height) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
    if (png == NULL) {
        maex_set_message(ctx->message, ctx->message_capacity, "libpng could not start (out of memory)");
        return MAEX_IMAGE_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        maex_set_message(ctx->message, ctx->message_capacity, "libpng could not start (out of memory)");
        return MAEX_IMAGE_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(ctx->rows);
        ctx->rows = NULL;
        free(ctx->buffer);
        ctx->buffer = NULL;
        return ctx->status == MAEX_IMAGE_OK ? MAEX_IMAGE_CORRUPT : ctx->status;
    }
    png_set_write_fn(png, ctx, write_to_memory, flush_nothing);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    ctx->rows = malloc(sizeof(png_bytep) * height);
    if (ctx->rows == NULL) {
        ctx->status = MAEX_IMAGE_NO_MEMORY;
        maex_set_message(ctx->message, ctx->message_capacity, "out of memory while encoding");
        png_longjmp(png, 1);
    }
    for (uint32_t y = 0; y < height; y++) ctx->rows[y] = (png_bytep)(rgb + (size_t)y * width * 3);
    png_set_rows(png, info, ctx->rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(ctx->rows);
    ctx->rows = NULL;
    return MAEX_IMAGE_OK;
}

maex_image_status maex_png_encode_rgb8(const unsigned char *rgb, uint32_t width, uint32_t height,
                                       unsigned char **png, size_t *png_size,
                                       char *message, size_t message_capacity) {
    *png = NULL;
    *png_size = 0;
    if (message_capacity > 0) message[0] = 0;
    maex_image_status size_status = maex_check_dimensions(width, height, message, message_capacity);
    if (size_status != MAEX_IMAGE_OK) return size_status;
    png_encode_context ctx = {.buffer = NULL, .size = 0, .capacity = 0, .status = MAEX_IMAGE_OK,
                              .message = message, .message_capacity = message_capacity, .rows = NULL};
    maex_image_status status = encode(&ctx, rgb, width, height);
    if (status == MAEX_IMAGE_OK) {
        *png = ctx.buffer;
        *png_size = ctx.size;
    }
    return status;
}
