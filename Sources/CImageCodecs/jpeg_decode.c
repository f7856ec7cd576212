// JPEG decoding through libjpeg-turbo, from memory, with its longjmp error path kept here.
#include "codecs_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// libjpeg's error manager extended with our jump target and outcome. It lives in the
// caller's frame so its fields survive the longjmp.
typedef struct jpeg_error_context {
    struct jpeg_error_mgr manager;  // first, so that cinfo->err is the context
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    maex_image_status status;
    maex_decoded_image *out;
} jpeg_error_context;

static maex_image_status status_for_error(int code) {
    switch (code) {
    case JERR_EMPTY_IMAGE: return MAEX_IMAGE_EMPTY;
    case JERR_IMAGE_TOO_BIG: return MAEX_IMAGE_TOO_LARGE;
    case JERR_OUT_OF_MEMORY: return MAEX_IMAGE_NO_MEMORY;
    case JERR_BAD_PRECISION: return MAEX_IMAGE_UNSUPPORTED;
    default: return MAEX_IMAGE_CORRUPT;
    }
}

static void fail(j_common_ptr cinfo, maex_image_status status) {
    jpeg_error_context *ctx = (jpeg_error_context *)cinfo->err;
    ctx->status = status;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    maex_set_message(ctx->out->message, sizeof ctx->out->message, "%s", text);
    longjmp(ctx->jump, 1);
}

// Replaces libjpeg's default, which prints and calls exit().
static void on_error_exit(j_common_ptr cinfo) {
    fail(cinfo, status_for_error(cinfo->err->msg_code));
}

// Level -1 is a warning. libjpeg warns, then carries on with grey or zero-filled blocks,
// when the data ends early or the scan is damaged; those fail the decode so that no
// half-decoded image is returned. Warnings about metadata alone are dropped, as are the
// trace messages (level >= 0).
static void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    switch (cinfo->err->msg_code) {
    case JWRN_EXTRANEOUS_DATA:  // stray bytes between segments, after the data was read
    case JWRN_JFIF_MAJOR:
    case JWRN_ADOBE_XFORM:
    case JWRN_BOGUS_ICC:
        return;
    case JWRN_JPEG_EOF:
        fail(cinfo, MAEX_IMAGE_TRUNCATED);
        return;
    default:
        fail(cinfo, MAEX_IMAGE_CORRUPT);
    }
}

// Called between the rows and scans libjpeg reads: a progressive file past MAEX_JPEG_MAX_SCANS
// scans stops here, before the next pass over the image.
static void on_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    int scan = ((j_decompress_ptr)cinfo)->input_scan_number;
    if (scan <= MAEX_JPEG_MAX_SCANS) return;
    jpeg_error_context *ctx = (jpeg_error_context *)cinfo->err;
    maex_set_message(ctx->out->message, sizeof ctx->out->message,
                     "the progressive JPEG has more than %d scans (the limit)", MAEX_JPEG_MAX_SCANS);
    ctx->status = MAEX_IMAGE_TOO_LARGE;
    longjmp(ctx->jump, 1);
}

// Never print, even if some path asks for the message text to be output.
static void on_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

static maex_image_status decode(struct jpeg_decompress_struct *cinfo, jpeg_error_context *ctx,
                                const unsigned char *data, size_t size) {
    maex_decoded_image *out = ctx->out;
    if (setjmp(ctx->jump)) {
        jpeg_destroy_decompress(cinfo);
        free(out->pixels);
        out->pixels = NULL;
        return ctx->status;
    }
    jpeg_create_decompress(cinfo);
    // After jpeg_create_decompress, which clears every field but err.
    ctx->progress.progress_monitor = on_progress;
    cinfo->progress = &ctx->progress;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);

    maex_image_status size_status = maex_check_dimensions(cinfo->image_width, cinfo->image_height,
                                                          out->message, sizeof out->message);
    if (size_status != MAEX_IMAGE_OK) {
        ctx->status = size_status;
        longjmp(ctx->jump, 1);
    }
    // A sequential Huffman-coded file must hold at least 2 bits of every block of every component.
    if (!cinfo->progressive_mode && !cinfo->arith_code) {
        uint64_t blocks = 0;
        for (int c = 0; c < cinfo->num_components; c++) {
            blocks += (uint64_t)cinfo->comp_info[c].width_in_blocks * cinfo->comp_info[c].height_in_blocks;
        }
        uint64_t needed = (blocks * MAEX_JPEG_MIN_BITS_PER_BLOCK + 7) / 8;
        if ((uint64_t)size < needed) {
            maex_set_message(out->message, sizeof out->message,
                             "the file has %zu bytes, too few for the %llu blocks of %u×%u pixels (at least %d bits each)",
                             size, (unsigned long long)blocks, cinfo->image_width, cinfo->image_height,
                             MAEX_JPEG_MIN_BITS_PER_BLOCK);
            ctx->status = MAEX_IMAGE_TRUNCATED;
            longjmp(ctx->jump, 1);
        }
    }
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    default:
        maex_set_message(out->message, sizeof out->message,
                         "JPEG colour space %d with %d components (CMYK and YCCK are not supported)",
                         (int)cinfo->jpeg_color_space, cinfo->num_components);
        ctx->status = MAEX_IMAGE_UNSUPPORTED;
        longjmp(ctx->jump, 1);
    }

    jpeg_start_decompress(cinfo);
    size_t row_bytes = (size_t)cinfo->output_width * (size_t)cinfo->output_components;
    out->pixels = malloc(row_bytes * cinfo->output_height);
    if (out->pixels == NULL) {
        maex_set_message(out->message, sizeof out->message, "out of memory for the pixels");
        ctx->status = MAEX_IMAGE_NO_MEMORY;
        longjmp(ctx->jump, 1);
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = out->pixels + row_bytes * cinfo->output_scanline;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    // Reading on to EOI catches a file cut after the last scanline.
    jpeg_finish_decompress(cinfo);

    out->width = cinfo->output_width;
    out->height = cinfo->output_height;
    out->channels = cinfo->output_components;
    out->bytes_per_sample = 1;
    jpeg_destroy_decompress(cinfo);
    return MAEX_IMAGE_OK;
}

maex_image_status maex_jpeg_decode(const unsigned char *data, size_t size, maex_decoded_image *out) {
    memset(out, 0, sizeof *out);
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        maex_set_message(out->message, sizeof out->message, "no JPEG start-of-image marker");
        return size < 3 ? MAEX_IMAGE_TRUNCATED : MAEX_IMAGE_CORRUPT;
    }
    struct jpeg_decompress_struct cinfo;
    jpeg_error_context ctx;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&ctx, 0, sizeof ctx);
    ctx.out = out;
    ctx.status = MAEX_IMAGE_CORRUPT;
    cinfo.err = jpeg_std_error(&ctx.manager);
    ctx.manager.error_exit = on_error_exit;
    ctx.manager.emit_message = on_message;
    ctx.manager.output_message = on_output_message;
    return decode(&cinfo, &ctx, data, size);
}
