// Helpers shared by the PNG and JPEG shims (not part of the public header).
#ifndef MAEX_CODECS_INTERNAL_H
#define MAEX_CODECS_INTERNAL_H

#include "CImageCodecs.h"

/// Writes a printf-style message into a fixed buffer, always NUL-terminated.
void maex_set_message(char *buffer, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/// MAEX_IMAGE_OK, EMPTY or TOO_LARGE for a header's dimensions, with the reason in `message`.
maex_image_status maex_check_dimensions(uint64_t width, uint64_t height, char *message, size_t capacity);

#endif
