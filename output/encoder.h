/* Video encoder: RGBA frames in, an H.264 (or VP9 for webm) file out,
 * through libavcodec and libavformat. */
#ifndef FLOWSWARM_ENCODER_H
#define FLOWSWARM_ENCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct encoder_opts {
    const char *path;   /* container from the extension; "-" is Matroska on stdout */
    int width, height;  /* even */
    int fps_num, fps_den; /* frames per second, as a fraction */
    int crf;            /* below 0: the codec's good default (x264: 20, VP9: 32) */
    const char *preset; /* x264's; NULL means "veryfast" */
};

struct encoder;

/* Opens the output and writes the header, so an unwritable path fails
 * before any frame is drawn. Returns NULL with one line in err. */
struct encoder *encoder_create(const struct encoder_opts *opts, char *err, size_t errlen);

enum { ENCODER_QUEUE = 3 }; /* frames queued at most; then encoder_write waits */

/* Queues one frame of RGBA rows, bottom-up as OpenGL reads them, to be
 * converted and encoded on the encoder's thread. The pixels are read in
 * place: they must stay untouched until encoder_done() gives tag back.
 * Waits while ENCODER_QUEUE frames are queued. Returns false once the
 * encoder has failed (sticky; the reason in encoder_error) and then does
 * not take the frame. */
bool encoder_write(struct encoder *e, const uint8_t *rgba_bottom_up, unsigned tag);

/* The tag of the oldest frame the encoder has finished reading, if any;
 * with wait, waits for one while frames are queued. False when none. */
bool encoder_done(struct encoder *e, unsigned *tag, bool wait);

/* Flushes and writes the trailer. Safe to call more than once. */
bool encoder_finish(struct encoder *e);

/* Finishes (if not done) and frees. */
void encoder_destroy(struct encoder *e);

const char *encoder_error(const struct encoder *e);
int64_t encoder_frames(const struct encoder *e);

#endif
