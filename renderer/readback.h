/* Frame readback through a ring of pixel-pack buffers: each frame's read
 * is queued, and the frame read depth-1 frames ago is mapped, so the GPU
 * is never waited on for the frame it is still drawing. */
#ifndef FLOWSWARM_READBACK_H
#define FLOWSWARM_READBACK_H

#include <stdint.h>

struct readback;

/* depth 0 means 3. Needs the GL context current. */
struct readback *readback_create(int w, int h, int depth);
void readback_destroy(struct readback *r);

/* Queues a read of the bound framebuffer. Returns the RGBA pixels (rows
 * bottom-up, w*4 bytes each) of the oldest queued frame once the ring is
 * full, else NULL. The pointer is valid until the next call. */
const uint8_t *readback_push(struct readback *r);

/* After the last push: returns the remaining frames oldest first, one per
 * call, then NULL. */
const uint8_t *readback_drain(struct readback *r);

/* Reads the bound framebuffer's w by h pixels into rgba (w*h*4 bytes,
 * rows bottom-up) now, waiting for the frame: for a single still. */
void readback_now(int w, int h, uint8_t *rgba);

#endif
