/* Frame readback through a ring of pixel-pack buffers: each frame's read
 * is queued, and the frame read a few frames ago is mapped, so the GPU is
 * never waited on for the frame it is still drawing. A mapped frame is
 * handed out as is (no copy) and stays valid until it is released, so a
 * consumer on another thread (the encoder) can read it in place. */
#ifndef FLOWSWARM_READBACK_H
#define FLOWSWARM_READBACK_H

#include <stdbool.h>
#include <stdint.h>

struct readback;

/* depth: reads in flight before the oldest is mapped (0 means 2); held:
 * frames the consumer may keep mapped at once (0 means 1). Needs the GL
 * context current, as every call here does. */
struct readback *readback_create(int w, int h, int depth, int held);
void readback_destroy(struct readback *r);

/* Whether the next push would need a buffer the consumer still holds:
 * release one first. */
bool readback_blocked(const struct readback *r);

/* Queues a read of the bound framebuffer. Once depth reads are queued,
 * returns the oldest frame's RGBA pixels (rows bottom-up, w*4 bytes each)
 * with its tag, else NULL. The pixels stay valid until released. */
const uint8_t *readback_push(struct readback *r, unsigned *tag);

/* After the last push: the remaining frames oldest first, one per call,
 * then NULL. */
const uint8_t *readback_drain(struct readback *r, unsigned *tag);

/* Gives a frame back (unmaps its buffer). */
void readback_release(struct readback *r, unsigned tag);

/* Reads the bound framebuffer's w by h pixels into rgba (w*h*4 bytes,
 * rows bottom-up) now, waiting for the frame: for a single still. */
void readback_now(int w, int h, uint8_t *rgba);

#endif
