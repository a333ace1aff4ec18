/* A cheap bloom. The glow sources are drawn a second time, as wide soft
 * splats (already blurred: no blur pass), into a frame an eighth of the
 * size (a 64th of the pixels), and that is added back over the frame,
 * filtered up, only in the tiles the sources marked. On a CPU rasteriser
 * a pass over every pixel is dear, so no pass here covers the whole
 * full-size frame. */
#ifndef FLOWSWARM_BLOOM_H
#define FLOWSWARM_BLOOM_H

#include <stddef.h>

enum { BLOOM_DOWN = 8 }; /* the bloom frame is this many times smaller */
#define BLOOM_SPREAD 1.5f /* a splat is this many times wider than its sprite */

struct bloom;

/* Needs a current GL context. Returns NULL with err set. */
struct bloom *bloom_create(char *err, size_t errlen);
void bloom_destroy(struct bloom *b);

/* Starts a bloom over the w by h frame bound for drawing: binds and clears
 * the small frame. Draw the glow sources next, scaled down BLOOM_DOWN
 * times, and mark where each lies. */
void bloom_begin(struct bloom *b, int w, int h);

/* Marks the frame's pixels within r of (x, y) as touched by the glow. */
void bloom_mark(struct bloom *b, float x, float y, float r);

/* Rebinds the frame from bloom_begin() with its viewport. */
void bloom_end(struct bloom *b);

/* Adds the glow, scaled by gain, over the marked part of the bound frame:
 * best right after clearing it, before anything else is drawn. */
void bloom_add(struct bloom *b, float gain);

#endif
