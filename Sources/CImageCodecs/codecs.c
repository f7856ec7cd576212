// Shared pieces of the PNG and JPEG shims: the header-size policy and messages.
#include "codecs_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void maex_set_message(char *buffer, size_t capacity, const char *format, ...) {
    if (capacity == 0) return;
    va_list args;
    va_start(args, format);
    vsnprintf(buffer, capacity, format, args);
    va_end(args);
}

maex_image_status maex_check_dimensions(uint64_t width, uint64_t height, char *message, size_t capacity) {
    if (width == 0 || height == 0) {
        maex_set_message(message, capacity, "the header says %llu×%llu pixels (an empty image)",
                         (unsigned long long)width, (unsigned long long)height);
        return MAEX_IMAGE_EMPTY;
    }
    if (width > MAEX_IMAGE_MAX_SIDE || height > MAEX_IMAGE_MAX_SIDE) {
        maex_set_message(message, capacity, "%llu×%llu pixels: a side is above the limit of %d",
                         (unsigned long long)width, (unsigned long long)height, MAEX_IMAGE_MAX_SIDE);
        return MAEX_IMAGE_TOO_LARGE;
    }
    if (width * height > MAEX_IMAGE_MAX_PIXELS) {
        maex_set_message(message, capacity, "%llu×%llu pixels is more than the limit of %d megapixels",
                         (unsigned long long)width, (unsigned long long)height, MAEX_IMAGE_MAX_PIXELS / 1000000);
        return MAEX_IMAGE_TOO_LARGE;
    }
    return MAEX_IMAGE_OK;
}

void maex_image_free(void *pointer) {
    free(pointer);
}
