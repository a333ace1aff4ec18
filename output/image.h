/* Still images: a frame as read back from GL, written as PNG through
 * libavcodec's PNG encoder. */
#ifndef FLOWSWARM_IMAGE_H
#define FLOWSWARM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes w by h RGBA pixels, rows bottom-up as OpenGL reads them, to path
 * as an 8-bit RGB PNG (the frame is opaque: alpha is dropped). A file
 * that could not be written whole is removed. False with one line in err
 * naming the path. */
bool image_write_png(const char *path, const uint8_t *rgba_bottom_up, int w, int h,
                     char *err, size_t errlen);

/* Reads a PNG (any pixel format libavcodec decodes) into newly allocated
 * RGB rows, top-down; the caller frees *rgb. False with err set. */
bool image_read_png(const char *path, uint8_t **rgb, int *w, int *h, char *err,
                    size_t errlen);

#endif
