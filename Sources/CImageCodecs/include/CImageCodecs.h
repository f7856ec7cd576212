// PNG and JPEG through libpng and libjpeg-turbo. Their error paths use setjmp/longjmp,
// which Swift cannot cross, so each decode is one C call that returns a status and a
// message instead of printing to stderr or exiting.
#ifndef MAEX_IMAGE_CODECS_H
#define MAEX_IMAGE_CODECS_H
#endif
